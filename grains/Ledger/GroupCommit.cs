using System.Diagnostics;
using System.Threading.Channels;

namespace Retail.Ledger;

/// <summary>
/// Group commit: callers from every grain of the silo queue records; a few flush loops take
/// whatever has queued up and write it in one database round trip, answering each caller when
/// its batch is durable. Under load, many records share one commit. Records appended together
/// (<see cref="AppendGroupAsync"/>) always share one write, so they succeed or fail together.
/// The queue is bounded and a record waits at most <c>maxWait</c> for its write to start: past
/// either, it is answered <c>unavailable</c> at once and never written later, so a caller that was
/// told "no" is never contradicted by a late write. Each write attempted, committed or not, is
/// reported to <c>flushed</c> with its record count and duration.
/// </summary>
public sealed class GroupCommit<TRecord, TOutcome> : IAsyncDisposable
{
    private readonly Channel<Pending> queue;
    private readonly Func<IReadOnlyList<TRecord>, CancellationToken, Task<IReadOnlyList<TOutcome>>> writeBatch;
    private readonly int maxBatchSize;
    private readonly Action<int, TimeSpan> flushed;
    private readonly Task[] flushLoops;
    private readonly CancellationTokenSource stopping = new();
    private readonly TOutcome unavailable;
    private readonly TimeSpan maxWait;

    public GroupCommit(
        Func<IReadOnlyList<TRecord>, CancellationToken, Task<IReadOnlyList<TOutcome>>> writeBatch,
        TOutcome unavailable,
        Action<int, TimeSpan> flushed,
        int maxBatchSize = 1000,
        int flushConcurrency = 2,
        int capacity = 20_000,
        TimeSpan? maxWait = null)
    {
        this.writeBatch = writeBatch;
        this.unavailable = unavailable;
        this.flushed = flushed;
        this.maxBatchSize = maxBatchSize;
        this.maxWait = maxWait ?? TimeSpan.FromSeconds(3);
        queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
        flushLoops = Enumerable.Range(0, flushConcurrency).Select(_ => Task.Run(FlushLoopAsync)).ToArray();
    }

    public async Task<TOutcome> AppendAsync(TRecord record) => (await AppendGroupAsync([record]))[0];

    public Task<IReadOnlyList<TOutcome>> AppendGroupAsync(IReadOnlyList<TRecord> records)
    {
        var pending = new Pending(records, new TaskCompletionSource<IReadOnlyList<TOutcome>>(TaskCreationOptions.RunContinuationsAsynchronously),
            Stopwatch.GetTimestamp());
        if (!queue.Writer.TryWrite(pending))
            // Full (the database is slow or away) or stopped: say so now rather than queue without end.
            pending.Done.TrySetResult(records.Select(_ => unavailable).ToList());
        return pending.Done.Task;
    }

    private async Task FlushLoopAsync()
    {
        var batch = new List<Pending>(maxBatchSize);
        var reader = queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stopping.Token))
            {
                batch.Clear();
                var records = 0;
                while (records < maxBatchSize && reader.TryRead(out var pending))
                {
                    if (Stopwatch.GetElapsedTime(pending.QueuedAt) > maxWait)
                    {
                        pending.Done.TrySetResult(pending.Records.Select(_ => unavailable).ToList());
                        continue;
                    }
                    batch.Add(pending);
                    records += pending.Records.Count;
                }
                if (batch.Count == 0) continue;
                await FlushAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task FlushAsync(List<Pending> batch)
    {
        var started = Stopwatch.GetTimestamp();
        var records = batch.SelectMany(p => p.Records).ToList();
        IReadOnlyList<TOutcome>? outcomes = null;
        Exception? failure = null;
        try
        {
            outcomes = await writeBatch(records, stopping.Token);
            if (outcomes.Count != records.Count)
                throw new InvalidOperationException($"A batch of {records.Count} records was answered with {outcomes.Count} outcomes.");
        }
        catch (Exception error)
        {
            failure = error;
        }
        // Reported before anyone is answered: a caller that reads the metrics after its answer finds its write in them.
        try
        {
            flushed(records.Count, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception)
        {
            // A report that fails must not end the flush loop: the records behind would never be written.
        }
        var offset = 0;
        foreach (var pending in batch)
        {
            if (failure is not null)
                pending.Done.TrySetException(failure);
            else
                pending.Done.TrySetResult([.. Enumerable.Range(offset, pending.Records.Count).Select(i => outcomes![i])]);
            offset += pending.Records.Count;
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        // Let queued appends finish; they were promised an answer.
        await Task.WhenAll(flushLoops).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await stopping.CancelAsync();
        // The writes under way end on the cancellation and answer their callers; what is still queued was never written.
        await Task.WhenAll(flushLoops).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (queue.Reader.TryRead(out var pending))
            pending.Done.TrySetResult(pending.Records.Select(_ => unavailable).ToList());
        // A write that ignored the cancellation still reads the token when it ends.
        if (Task.WhenAll(flushLoops).IsCompleted)
            stopping.Dispose();
    }

    private sealed record Pending(IReadOnlyList<TRecord> Records, TaskCompletionSource<IReadOnlyList<TOutcome>> Done, long QueuedAt);
}
