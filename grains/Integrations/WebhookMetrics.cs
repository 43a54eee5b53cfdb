using System.Diagnostics.Metrics;
using Retail.Ledger;

namespace Retail.Integrations;

/// <summary>Webhook instruments on the <c>Retail</c> meter: delivery attempts by outcome (<c>delivered</c>, <c>failed</c>, <c>parked</c>).</summary>
public sealed class WebhookMetrics(IMeterFactory meters)
{
    private readonly Counter<long> attempts = meters.Create(LedgerMetrics.MeterName).CreateCounter<long>(
        "retail.webhook.attempts", "{attempt}", "Webhook delivery attempts, by outcome");

    public void Attempt(string outcome) => attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
