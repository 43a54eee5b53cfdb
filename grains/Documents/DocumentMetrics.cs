using System.Diagnostics.Metrics;
using Retail.Ledger;

namespace Retail.Documents;

/// <summary>
/// Document instruments on the <c>Retail</c> meter: one counter of journaled transitions, by document and
/// transition. Counters add up across silos and restarts, so what is open is a difference of two:
/// open orders are created − paid − canceled − expired; transfers in transit, shipped − received.
/// </summary>
public sealed class DocumentMetrics(IMeterFactory meters)
{
    private readonly Counter<long> transitions = meters.Create(LedgerMetrics.MeterName).CreateCounter<long>(
        "retail.document.transitions", "{transition}", "Journaled transitions of transfers, counts and online orders");

    public void Transition(string document, string transition) =>
        transitions.Add(1, new KeyValuePair<string, object?>("document", document), new KeyValuePair<string, object?>("transition", transition));
}
