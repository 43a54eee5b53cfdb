using System.Collections.Concurrent;
using Orleans.Streams;
using Orleans.Streams.Core;
using Retail.Registers;

namespace Retail.Tests.Registers;

public interface IStoreStreamsProbeGrain : IGrainWithStringKey
{
}

/// <summary>What a downstream consumer of a store's streams receives: receipts and register events, kept for tests to read.</summary>
[ImplicitStreamSubscription(RegisterGrain.ReceiptsStream)]
[ImplicitStreamSubscription(RegisterGrain.EventsStream)]
public sealed class StoreStreamsProbeGrain : Grain, IStoreStreamsProbeGrain, IStreamSubscriptionObserver
{
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<ReceiptFiscalized>> Receipts = new();
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<RegisterGapDetected>> Gaps = new();

    public static IReadOnlyList<ReceiptFiscalized> ReceiptsOf(string storeId) => Receipts.TryGetValue(storeId, out var q) ? [.. q] : [];

    public static IReadOnlyList<RegisterGapDetected> GapsOf(string storeId) => Gaps.TryGetValue(storeId, out var q) ? [.. q] : [];

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        // Streams are keyed like the store's grains ("store/{storeId}").
        var storeId = Common.GrainKeys.Id(this.GetPrimaryKeyString());
        if (handleFactory.StreamId.GetNamespace() == RegisterGrain.EventsStream)
            await handleFactory.Create<RegisterGapDetected>().ResumeAsync((gap, _) =>
            {
                Gaps.GetOrAdd(storeId, _ => new()).Enqueue(gap);
                return Task.CompletedTask;
            });
        else
            await handleFactory.Create<ReceiptFiscalized>().ResumeAsync((receipt, _) =>
            {
                Receipts.GetOrAdd(storeId, _ => new()).Enqueue(receipt);
                return Task.CompletedTask;
            });
    }
}
