using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Retail.Api.Http;

namespace Retail.Tests.Faults;

public sealed class TransientRetryTests
{
    private static EndpointFilterInvocationContext Context(TimeProvider time)
    {
        var http = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddSingleton(time).BuildServiceProvider(),
        };
        return new DefaultEndpointFilterInvocationContext(http);
    }

    private static EndpointFilterDelegate Failing(Queue<Exception> failures, List<int> calls) => _ =>
    {
        calls.Add(calls.Count + 1);
        return failures.TryDequeue(out var failure) ? throw failure : ValueTask.FromResult<object?>("answered");
    };

    [Fact]
    public async Task A_transient_failure_is_retried_once_after_the_pause()
    {
        var time = new ImmediateTimers();
        var calls = new List<int>();

        var result = await TransientRetry.InvokeAsync(Context(time), Failing(new([new SiloUnavailableException()]), calls));

        Assert.Equal("answered", result);
        Assert.Equal(2, calls.Count);
        Assert.Equal([TransientRetry.Pause], time.DueTimes);
    }

    [Fact]
    public async Task A_second_transient_failure_goes_on_to_the_exception_handler()
    {
        var calls = new List<int>();

        await Assert.ThrowsAsync<TimeoutException>(() => TransientRetry.InvokeAsync(
            Context(new ImmediateTimers()), Failing(new([new SiloUnavailableException(), new TimeoutException()]), calls)).AsTask());

        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task A_bug_is_not_retried()
    {
        var time = new ImmediateTimers();
        var calls = new List<int>();

        await Assert.ThrowsAsync<InvalidOperationException>(() => TransientRetry.InvokeAsync(
            Context(time), Failing(new([new InvalidOperationException("bug")]), calls)).AsTask());

        Assert.Single(calls);
        Assert.Empty(time.DueTimes);
    }
}

/// <summary>Timers that fire at once and remember when they were due: delays without waiting.</summary>
public sealed class ImmediateTimers : TimeProvider
{
    private readonly List<TimeSpan> dueTimes = [];

    public IReadOnlyList<TimeSpan> DueTimes { get { lock (dueTimes) return [.. dueTimes]; } }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (dueTimes) dueTimes.Add(dueTime);
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new Fired();
    }

    private sealed class Fired : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;
        public void Dispose() { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
