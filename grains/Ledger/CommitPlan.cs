using Retail.Stock;

namespace Retail.Ledger;

/// <summary>
/// How a batch of commits goes into one transaction (pure). Per pair, the batch's rows must form one
/// chain from one root, each row staged on the row before it; the root's head check then covers the
/// whole chain. A commit whose row is not on its pair's chain (staged on a row of a commit still on
/// its way, or on another branch) waits for a later pass; a commit that failed takes with it every
/// commit staged on its rows.
/// </summary>
public static class CommitPlan
{
    /// <summary>One pair's head move: from (version, token) of the root's base to the chain's last row.</summary>
    public sealed record HeadMove(string StoreId, string Sku, long FromVersion, string? FromToken, StagedMovement To, int RootCommit);

    /// <summary>The commits (indices into <paramref name="commits"/>) that can go together now, and the rest.</summary>
    public static (List<int> Pass, List<int> Later) Chainable(IReadOnlyList<LedgerCommit> commits, IReadOnlyCollection<int> candidates, int maxCommits)
    {
        var active = new SortedSet<int>(candidates);
        while (true)
        {
            var off = new HashSet<int>();
            foreach (var chain in Pairs(commits, active).Values)
            {
                var onChain = new HashSet<StagedMovement>(ReferenceEqualityComparer.Instance);
                foreach (var row in Walk(chain))
                    onChain.Add(row.Row);
                foreach (var row in chain)
                    if (!onChain.Contains(row.Row))
                        off.Add(row.Commit);
            }
            if (off.Count == 0)
                break;
            active.ExceptWith(off);
        }
        var pass = active.Take(Math.Max(1, maxCommits)).ToList();
        if (pass.Count == 0)
            pass.Add(candidates.Min());
        if (pass.Count < active.Count)
            // Truncating may cut a chain: plan the truncated set again so no row is left without its base.
            return Recheck(commits, candidates, pass);
        return (pass, candidates.Except(pass).ToList());
    }

    private static (List<int> Pass, List<int> Later) Recheck(IReadOnlyList<LedgerCommit> commits, IReadOnlyCollection<int> candidates, List<int> pass)
    {
        var (again, _) = Chainable(commits, pass, int.MaxValue);
        return (again, candidates.Except(again).ToList());
    }

    /// <summary>The head move of every pair the pass writes.</summary>
    public static List<HeadMove> Heads(IReadOnlyList<LedgerCommit> commits, IReadOnlyCollection<int> pass)
    {
        var moves = new List<HeadMove>();
        foreach (var chain in Pairs(commits, pass).Values)
        {
            var walked = Walk(chain);
            var root = walked[0];
            moves.Add(new HeadMove(root.Row.Record.StoreId, root.Row.Record.Sku, root.Row.Record.Version - 1, root.Row.PreviousToken,
                walked[^1].Row, root.Commit));
        }
        return moves;
    }

    /// <summary>Commits of the pass with a row off its pair's chain: written now, it would land on a head it was not computed on.</summary>
    public static HashSet<int> Unchained(IReadOnlyList<LedgerCommit> commits, IReadOnlyCollection<int> pass)
    {
        var unchained = new HashSet<int>();
        foreach (var chain in Pairs(commits, pass).Values)
        {
            var onChain = new HashSet<StagedMovement>(Walk(chain).Select(l => l.Row), ReferenceEqualityComparer.Instance);
            foreach (var link in chain.Where(l => !onChain.Contains(l.Row)))
                unchained.Add(link.Commit);
        }
        return unchained;
    }

    /// <summary>The failed commits and every commit of <paramref name="others"/> staged, directly or not, on their rows.</summary>
    public static HashSet<int> WithDependents(IReadOnlyList<LedgerCommit> commits, IEnumerable<int> failed, IReadOnlyCollection<int> others)
    {
        var closed = new HashSet<int>(failed);
        var tokens = new HashSet<string>(closed.SelectMany(i => commits[i].Stock).Select(s => s.Token), StringComparer.Ordinal);
        bool grew;
        do
        {
            grew = false;
            foreach (var i in others)
            {
                if (closed.Contains(i) || !commits[i].Stock.Any(s => s.PreviousToken is { } p && tokens.Contains(p)))
                    continue;
                closed.Add(i);
                foreach (var s in commits[i].Stock)
                    tokens.Add(s.Token);
                grew = true;
            }
        } while (grew);
        return closed;
    }

    private sealed record Link(StagedMovement Row, int Commit);

    private static Dictionary<(string, string), List<Link>> Pairs(IReadOnlyList<LedgerCommit> commits, IEnumerable<int> indices)
    {
        var pairs = new Dictionary<(string, string), List<Link>>();
        foreach (var i in indices)
            foreach (var staged in commits[i].Stock)
            {
                var key = (staged.Record.StoreId, staged.Record.Sku);
                if (!pairs.TryGetValue(key, out var rows))
                    pairs[key] = rows = [];
                rows.Add(new Link(staged, i));
            }
        return pairs;
    }

    /// <summary>
    /// From the lowest root (a row staged on nothing in the chain), each row's first successor in turn: the
    /// row staged on it one version up, of the earliest commit. Linear in the chain: a hot pair's batch is long.
    /// </summary>
    private static List<Link> Walk(List<Link> chain)
    {
        if (chain.Count == 1)
            return chain;
        var tokens = new HashSet<string>(chain.Count, StringComparer.Ordinal);
        foreach (var link in chain)
            tokens.Add(link.Row.Token);
        Link? root = null;
        var successors = new Dictionary<(string PreviousToken, long Version), Link>(chain.Count);
        foreach (var link in chain)
        {
            var previous = link.Row.PreviousToken;
            if (previous is null || !tokens.Contains(previous))
            {
                if (root is null || Earlier(link, root))
                    root = link;
            }
            else
            {
                var key = (previous, link.Row.Record.Version);
                if (!successors.TryGetValue(key, out var known) || link.Commit < known.Commit)
                    successors[key] = link;
            }
        }
        var walked = new List<Link>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var current = root!; seen.Add(current.Row.Token); )
        {
            walked.Add(current);
            if (!successors.TryGetValue((current.Row.Token, current.Row.Record.Version + 1), out current!))
                break;
        }
        return walked;

        static bool Earlier(Link a, Link b) =>
            a.Row.Record.Version < b.Row.Record.Version || (a.Row.Record.Version == b.Row.Record.Version && a.Commit < b.Commit);
    }
}
