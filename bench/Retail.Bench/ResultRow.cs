using System.Globalization;

namespace Retail.Bench;

/// <summary>
/// One line of bench/run.sh's results table:
/// | scenario | throughput | stock lines/s | p50 ms | p99 ms | errors | durable? |
/// "Stock lines" is the common unit: a 3-line receipt moves three, a movement or ledger record one.
/// </summary>
public sealed record ResultRow(string Scenario, string Throughput, double? StockLinesPerSecond, double? P50, double? P99, string Errors, string Durable)
{
    /// <summary>A scenario that could not run keeps its row, so the table shows what is missing.</summary>
    public static ResultRow NotRun(string scenario, string why) => new(scenario, "not run: " + why, null, null, null, "-", "-");

    public string ToMarkdown() => string.Create(CultureInfo.InvariantCulture,
        $"| {Scenario} | {Throughput} | {StockLinesPerSecond?.ToString("#,0", CultureInfo.InvariantCulture) ?? "-"} | " +
        $"{P50?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-"} | {P99?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-"} | {Errors} | {Durable} |");

    public async Task AppendToAsync(string? path)
    {
        if (string.IsNullOrEmpty(path))
            return;
        await File.AppendAllTextAsync(path, ToMarkdown() + Environment.NewLine);
    }
}
