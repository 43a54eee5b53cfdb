using Retail.Ledger;

namespace Retail.Tests.Ledger;

/// <summary>The group commit's own promises, on a write that is a function.</summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task A_report_of_a_write_that_throws_does_not_stop_the_writes_behind_it()
    {
        var written = new List<int>();
        var reports = 0;
        await using var commits = new GroupCommit<int, string>(
            (records, _) =>
            {
                lock (written) written.AddRange(records);
                return Task.FromResult<IReadOnlyList<string>>([.. records.Select(r => $"ok {r}")]);
            },
            "unavailable",
            (_, _) =>
            {
                Interlocked.Increment(ref reports);
                throw new InvalidOperationException("the metrics are broken");
            },
            flushConcurrency: 1);

        // One after the other: each is its own write, and each report throws.
        for (var i = 1; i <= 5; i++)
            Assert.Equal($"ok {i}", await commits.AppendAsync(i).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal([1, 2, 3, 4, 5], written.Order());
        Assert.Equal(5, reports);
    }

    [Fact]
    public async Task Many_callers_each_get_their_own_records_outcome_and_every_write_is_reported()
    {
        var reported = 0;
        await using var commits = new GroupCommit<int, int>(
            (records, _) => Task.FromResult<IReadOnlyList<int>>([.. records.Select(r => r * 10)]),
            -1,
            (count, _) => Interlocked.Add(ref reported, count));

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 2000).Select(i => commits.AppendAsync(i)));

        Assert.Equal(Enumerable.Range(1, 2000).Select(i => i * 10), outcomes);
        Assert.Equal(2000, reported);
    }
}
