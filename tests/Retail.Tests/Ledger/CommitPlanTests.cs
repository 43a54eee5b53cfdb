using Retail.Ledger;
using Retail.Stock;

namespace Retail.Tests.Ledger;

/// <summary>How a batch of commits is cut into passes: the pure core of the ledger's group commit.</summary>
public sealed class CommitPlanTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private static StagedMovement Row(string sku, long version, string token, string? previous) => new(
        new StockMovementRecord("s1", sku, version, $"m-{token}", MovementType.Sale, 1, -1, 0, 0, 100 - version, 0, 0, Now, Now, null, null, "f"),
        token, previous);

    private static LedgerCommit Commit(params StagedMovement[] rows) => new([], rows);

    [Fact]
    public void Commits_stacked_on_each_other_go_in_one_pass_and_move_the_head_once()
    {
        var commits = new[] { Commit(Row("a", 5, "t5", "t4")), Commit(Row("a", 6, "t6", "t5")), Commit(Row("a", 7, "t7", "t6")) };

        var (pass, later) = CommitPlan.Chainable(commits, [0, 1, 2], int.MaxValue);
        var head = Assert.Single(CommitPlan.Heads(commits, pass));

        Assert.Equal([0, 1, 2], pass);
        Assert.Empty(later);
        Assert.Equal((4L, "t4", "t7", 0), (head.FromVersion, head.FromToken, head.To.Token, head.RootCommit));
        Assert.Empty(CommitPlan.Unchained(commits, pass));
    }

    [Fact]
    public void A_row_staged_on_a_row_not_in_the_batch_waits_for_a_later_pass()
    {
        // Commit 1 sits on t6, which is in no commit of this batch: its base is still on its way.
        var commits = new[] { Commit(Row("a", 5, "t5", "t4")), Commit(Row("a", 7, "t7", "t6")), Commit(Row("b", 1, "b1", null)) };

        var (pass, later) = CommitPlan.Chainable(commits, [0, 1, 2], int.MaxValue);

        Assert.Equal([0, 2], pass);
        Assert.Equal([1], later);
    }

    [Fact]
    public void Of_two_branches_on_one_row_the_earlier_commit_stays_on_the_chain()
    {
        // Commits 1 and 2 were both computed on t5 (one of them after a restage): only one can follow it.
        var commits = new[] { Commit(Row("a", 5, "t5", "t4")), Commit(Row("a", 6, "x6", "t5")), Commit(Row("a", 6, "y6", "t5")) };

        var (pass, later) = CommitPlan.Chainable(commits, [0, 1, 2], int.MaxValue);

        Assert.Equal([0, 1], pass);
        Assert.Equal([2], later);
        Assert.Equal([2], CommitPlan.Unchained(commits, [0, 1, 2]));
    }

    [Fact]
    public void A_commit_across_pairs_waits_when_one_of_its_pairs_cannot_chain()
    {
        var commits = new[]
        {
            Commit(Row("a", 1, "a1", null), Row("b", 3, "b3", "b2")),
            Commit(Row("a", 2, "a2", "a1"), Row("b", 9, "b9", "b8")),
        };

        var (pass, later) = CommitPlan.Chainable(commits, [0, 1], int.MaxValue);

        Assert.Equal([0], pass);
        Assert.Equal([1], later);
    }

    [Fact]
    public void Truncating_a_pass_never_leaves_a_row_without_its_base()
    {
        var commits = new[] { Commit(Row("a", 5, "t5", "t4")), Commit(Row("a", 6, "t6", "t5")), Commit(Row("a", 7, "t7", "t6")) };

        var (pass, later) = CommitPlan.Chainable(commits, [0, 1, 2], maxCommits: 2);

        Assert.Equal([0, 1], pass);
        Assert.Equal([2], later);
        Assert.Equal("t6", Assert.Single(CommitPlan.Heads(commits, pass)).To.Token);
    }

    [Fact]
    public void A_long_hot_chain_is_walked_whole()
    {
        const int length = 5_000;
        var commits = Enumerable.Range(1, length)
            .Select(v => Commit(Row("hot", v, $"t{v}", v == 1 ? null : $"t{v - 1}")))
            .Reverse().ToArray();

        var (pass, later) = CommitPlan.Chainable(commits, Enumerable.Range(0, length).ToList(), int.MaxValue);
        var head = Assert.Single(CommitPlan.Heads(commits, pass));

        Assert.Equal(length, pass.Count);
        Assert.Empty(later);
        Assert.Equal((0L, (string?)null, $"t{length}"), (head.FromVersion, head.FromToken, head.To.Token));
    }

    [Fact]
    public void A_failed_commit_takes_every_commit_staged_on_it_directly_or_not()
    {
        var commits = new[]
        {
            Commit(Row("a", 5, "t5", "t4")),
            Commit(Row("a", 6, "t6", "t5"), Row("b", 2, "b2", "b1")),
            Commit(Row("b", 3, "b3", "b2")),
            Commit(Row("c", 1, "c1", null)),
        };

        Assert.Equal([0, 1, 2], CommitPlan.WithDependents(commits, [0], [1, 2, 3]).Order());
    }
}
