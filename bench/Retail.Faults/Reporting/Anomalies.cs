namespace Retail.Faults.Reporting;

/// <summary>What the run found wrong, by rule; a few examples of each are kept for the report.</summary>
public sealed class Anomalies
{
    private const int ExamplesPerRule = 10;
    private readonly Dictionary<string, (int Count, List<string> Examples)> byRule = new(StringComparer.Ordinal);

    public void Add(string rule, string example)
    {
        lock (byRule)
        {
            if (!byRule.TryGetValue(rule, out var entry))
                byRule[rule] = entry = (0, []);
            if (entry.Examples.Count < ExamplesPerRule)
                entry.Examples.Add(example);
            byRule[rule] = (entry.Count + 1, entry.Examples);
        }
    }

    public int Count
    {
        get { lock (byRule) return byRule.Values.Sum(e => e.Count); }
    }

    public IReadOnlyList<(string Rule, int Count, IReadOnlyList<string> Examples)> ByRule
    {
        get
        {
            lock (byRule)
                return byRule.OrderBy(e => e.Key, StringComparer.Ordinal)
                    .Select(e => (e.Key, e.Value.Count, (IReadOnlyList<string>)e.Value.Examples.ToList())).ToList();
        }
    }
}
