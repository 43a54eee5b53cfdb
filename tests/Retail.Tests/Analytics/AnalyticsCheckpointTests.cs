using System.Text;
using System.Text.Json;
using Orleans.Core.Internal;
using Retail.Analytics;
using Retail.Common;
using Retail.Hosting;
using Retail.Ledger;
using Retail.Registers;
using Retail.Tests.Cluster;

namespace Retail.Tests.Analytics;

/// <summary>
/// Analytics against a journal written directly, with the stream messages a test chooses to send:
/// lost messages, repeated ones and late device receipts, each counted exactly once.
/// </summary>
[Collection(TwoSiloCollection.Name)]
public sealed class AnalyticsCheckpointTests(TwoSiloCluster fixture)
{
    private static readonly TimeSpan TimerDeadline = StoreAnalyticsGrain.CatchUpPeriod * 2 + TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Receipts_whose_stream_messages_were_lost_are_counted_by_the_timer_without_a_further_receipt()
    {
        var storeId = $"st-{Guid.NewGuid():N}"[..14];
        var analytics = fixture.Grains.GetGrain<IStoreAnalyticsGrain>(GrainKeys.Store(storeId));
        Assert.Equal(0, await analytics.CountedReceiptsAsync());

        var till = new JournalOnlyRegister(storeId);
        var first = await till.ReceiptAsync(110);
        await till.ReceiptAsync(220);
        await till.OtherEntryAsync(JournalKinds.OfdConfirmation);
        await till.ReceiptAsync(330, "sellRefund");
        // A register the analytics never heard of on the stream.
        var unseen = new JournalOnlyRegister(storeId);
        await unseen.ReceiptAsync(440);

        // Only the first receipt reaches the stream; the rest of the messages are lost.
        await PublishAsync(storeId, first);
        var counted = await Eventually.Until(analytics.CountedReceiptsAsync, n => n == 4, (int)TimerDeadline.TotalSeconds);

        Assert.Equal(4, counted);
        var days = await analytics.SalesAsync(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(2), BucketSize.Day);
        Assert.Equal((3, 1, 110m + 220m - 330m + 440m), (days.Sum(d => d.Receipts), days.Sum(d => d.Refunds), days.Sum(d => d.Revenue)));
    }

    [Fact]
    public async Task A_receipt_repeated_on_the_stream_and_by_catch_up_and_a_late_device_receipt_count_once()
    {
        var storeId = $"st-{Guid.NewGuid():N}"[..14];
        var analytics = fixture.Grains.GetGrain<IStoreAnalyticsGrain>(GrainKeys.Store(storeId));
        Assert.Equal(0, await analytics.CountedReceiptsAsync());
        var till = new JournalOnlyRegister(storeId);

        var today = await till.ReceiptAsync(100);
        await PublishAsync(storeId, today);
        await PublishAsync(storeId, today);
        // Journaled now, fiscalized offline by a device three days ago.
        var late = await till.ReceiptAsync(70, fiscalizedAgo: TimeSpan.FromDays(3));
        await PublishAsync(storeId, late);
        await PublishAsync(storeId, late);
        // Without a sequence (an older publisher) the grain asks the journal: a catch-up that meets both again.
        await PublishAsync(storeId, late with { JournalSequence = 0 });
        await PublishAsync(storeId, today);
        Assert.Equal(2, await Eventually.Until(analytics.CountedReceiptsAsync, n => n >= 2));

        // Saved and activated again: the activation's catch-up meets both once more.
        await analytics.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var last = await till.ReceiptAsync(5);
        await PublishAsync(storeId, late);
        // The stream is in order: once the last receipt is counted, every repeat before it has been seen.
        await PublishAsync(storeId, last);
        Assert.Equal(3, await Eventually.Until(analytics.CountedReceiptsAsync, n => n >= 3));

        var lateDay = late.Receipt.DateTime;
        var then = await analytics.SalesAsync(lateDay.AddDays(-1), lateDay.AddDays(1), BucketSize.Day);
        Assert.Equal((1, 70m), (then.Sum(d => d.Receipts), then.Sum(d => d.Revenue)));
        var all = await analytics.SalesAsync(lateDay.AddDays(-2), DateTimeOffset.UtcNow.AddDays(2), BucketSize.Day);
        Assert.Equal((3, 175m), (all.Sum(d => d.Receipts), all.Sum(d => d.Revenue)));
    }

    private Task PublishAsync(string storeId, ReceiptFiscalized message) =>
        fixture.Cluster.Client.GetStreamProvider(RetailSilo.StreamProvider)
            .GetStream<ReceiptFiscalized>(StreamId.Create(RegisterGrain.ReceiptsStream, GrainKeys.Store(storeId)))
            .OnNextAsync(message);

    /// <summary>
    /// A register that exists only in the shared journal: entries are committed as a register grain
    /// commits them, and nothing is published, so the test decides what the stream carries.
    /// </summary>
    private sealed class JournalOnlyRegister
    {
        private readonly string storeId;
        private readonly string registerId = $"jr-{Guid.NewGuid():N}"[..13];
        private readonly string fnSerial = $"99{Random.Shared.NextInt64(10_000_000_000_000, 99_999_999_999_999)}";
        private long sequence;
        private long fiscalDocumentNumber;

        public JournalOnlyRegister(string storeId) => this.storeId = storeId;

        public async Task<ReceiptFiscalized> ReceiptAsync(decimal total, string operation = "sell", TimeSpan fiscalizedAgo = default)
        {
            if (sequence == 0)
                await OtherEntryAsync(JournalKinds.Registration);
            var number = ++fiscalDocumentNumber;
            var receipt = new ReceiptDocument($"r-{number}", registerId, storeId, operation, number, 1, (int)number, number, fnSerial, "0000000001",
                TwoSiloCluster.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(3)) - fiscalizedAgo, total, [], "", [], [], 0, null);
            var at = await CommitAsync(JournalKinds.Receipt, JsonSerializer.Serialize(new JournaledReceipt(receipt, []), RegisterGrain.Json),
                receipt.Id, number);
            return new ReceiptFiscalized(StoreAnalyticsGrain.EventId(receipt), receipt, at);
        }

        public Task<long> OtherEntryAsync(string kind) => CommitAsync(kind, "{}", null, null);

        private async Task<long> CommitAsync(string kind, string document, string? clientId, long? number)
        {
            var entry = new JournalEntry(registerId, ++sequence, kind, clientId, number, clientId is null ? null : $"fp-{clientId}", Encoding.UTF8.GetBytes(document), "{}"u8.ToArray(),
                TwoSiloCluster.Clock.GetUtcNow(), storeId, number is null ? null : fnSerial);
            Assert.True((await TwoSiloCluster.SharedCommits.CommitAsync(LedgerCommit.Of(entry))).IsCommitted);
            return entry.Sequence;
        }
    }
}
