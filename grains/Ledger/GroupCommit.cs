using System.Diagnostics;
using System.Threading.Channels;

namespace Retail.Orleans.Ledger;

/// <summary>
/// Group commit: callers from every grain of the silo queue records; a few flush loops take
/// whatever has queued up and write it in one database round trip, answering each caller when
/// its batch is durable. Under load, many records share one commit.
/// </summary>
public sealed class GroupCommit<TRecord, TOutcome> : IAsyncDisposable
{
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Func<IReadOnlyList<TRecord>, CancellationToken, Task<IReadOnlyList<TOutcome>>> writeBatch;
    private readonly int maxBatchSize;
    private readonly string name;
    private readonly Task[] flushLoops;
    private readonly CancellationTokenSource stopping = new();

    public GroupCommit(
        string name,
        Func<IReadOnlyList<TRecord>, CancellationToken, Task<IReadOnlyList<TOutcome>>> writeBatch,
        int maxBatchSize = 1000,
        int flushConcurrency = 2)
    {
        this.name = name;
        this.writeBatch = writeBatch;
        this.maxBatchSize = maxBatchSize;
        flushLoops = Enumerable.Range(0, flushConcurrency).Select(_ => Task.Run(FlushLoopAsync)).ToArray();
    }

    public Task<TOutcome> AppendAsync(TRecord record)
    {
        var pending = new Pending(record, new TaskCompletionSource<TOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending))
            throw new ObjectDisposedException(name);
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
                while (batch.Count < maxBatchSize && reader.TryRead(out var pending))
                    batch.Add(pending);
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
        try
        {
            var outcomes = await writeBatch(batch.Select(p => p.Record).ToList(), stopping.Token);
            for (var i = 0; i < batch.Count; i++)
                batch[i].Done.TrySetResult(outcomes[i]);
        }
        catch (Exception error)
        {
            foreach (var pending in batch)
                pending.Done.TrySetException(error);
        }
        finally
        {
            LedgerMetrics.RecordBatch(name, batch.Count, Stopwatch.GetElapsedTime(started));
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        // Let queued appends finish; they were promised an answer.
        await Task.WhenAll(flushLoops).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await stopping.CancelAsync();
        stopping.Dispose();
    }

    private sealed record Pending(TRecord Record, TaskCompletionSource<TOutcome> Done);
}
