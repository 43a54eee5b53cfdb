using System.Diagnostics.Metrics;
using Retail.Ledger;

namespace Retail.Documents;

/// <summary>
/// Document instruments on the <c>Retail</c> meter: one counter of journaled transitions, by document and
/// transition. Counters add up across silos and restarts, so what is open is a difference of two:
/// open orders are created − paid − canceled − expired; transfers in transit, shipped − received.
/// </summary>
public static class DocumentMetrics
{
    private static readonly Counter<long> Transitions = LedgerMetrics.Meter.CreateCounter<long>(
        "retail.document.transitions", "{transition}", "Journaled transitions of transfers, counts and online orders");

    public static void Transition(string document, string transition) =>
        Transitions.Add(1, new KeyValuePair<string, object?>("document", document), new KeyValuePair<string, object?>("transition", transition));
}
