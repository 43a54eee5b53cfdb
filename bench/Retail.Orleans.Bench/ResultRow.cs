using System.Globalization;

namespace Retail.Orleans.Bench;

/// <summary>
/// One line of bench/run.sh's results table:
/// | scenario | throughput | stock lines/s | p50 ms | p99 ms | errors | durable? |
/// "Stock lines" is the common unit: a 3-line receipt moves three, a movement or ledger record one.
/// </summary>
public sealed record ResultRow(string Scenario, string Throughput, double StockLinesPerSecond, double P50, double P99, string Errors, string Durable)
{
    public string ToMarkdown() => string.Create(CultureInfo.InvariantCulture,
        $"| {Scenario} | {Throughput} | {StockLinesPerSecond:#,0} | {P50:0.0} | {P99:0.0} | {Errors} | {Durable} |");

    public async Task AppendToAsync(string? path)
    {
        if (string.IsNullOrEmpty(path))
            return;
        await File.AppendAllTextAsync(path, ToMarkdown() + Environment.NewLine);
    }
}
