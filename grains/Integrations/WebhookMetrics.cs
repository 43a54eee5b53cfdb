using System.Diagnostics.Metrics;
using Retail.Ledger;

namespace Retail.Integrations;

/// <summary>Webhook instruments on the <c>Retail</c> meter: delivery attempts by outcome (<c>delivered</c>, <c>failed</c>, <c>parked</c>).</summary>
public static class WebhookMetrics
{
    private static readonly Counter<long> Attempts = LedgerMetrics.Meter.CreateCounter<long>(
        "retail.webhook.attempts", "{attempt}", "Webhook delivery attempts, by outcome");

    public static void Attempt(string outcome) => Attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
