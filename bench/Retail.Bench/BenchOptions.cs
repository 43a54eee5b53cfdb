using System.Globalization;

namespace Retail.Bench;

/// <summary>The command line: a mode, then <c>--name value</c> pairs and bare flags.</summary>
public sealed class BenchOptions
{
    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "hot", "embedded", "cold", "help" };

    private readonly Dictionary<string, string?> values;

    private BenchOptions(string mode, Dictionary<string, string?> values)
    {
        Mode = mode;
        this.values = values;
    }

    public string Mode { get; }

    public static BenchOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
            return new BenchOptions("help", []);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new UsageException($"Unexpected argument '{args[i]}'.");
            var name = args[i][2..];
            if (Flags.Contains(name))
                values[name] = "true";
            else if (i + 1 < args.Length)
                values[name] = args[++i];
            else
                throw new UsageException($"--{name} needs a value.");
        }
        return new BenchOptions(args[0], values);
    }

    public string Required(string name) =>
        values.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new UsageException($"--{name} is required for '{Mode}'.");

    public string? Text(string name) => values.GetValueOrDefault(name);

    public bool Flag(string name) => values.ContainsKey(name);

    /// <summary>The API's base address; a trailing slash keeps relative paths under a path prefix.</summary>
    public Uri Url(string name)
    {
        var text = Required(name);
        return Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new UsageException($"--{name} is an http(s) address, such as http://127.0.0.1:5000.");
    }

    public int Int(string name, int fallback, int min = 1)
    {
        if (!values.TryGetValue(name, out var text))
            return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min)
            throw new UsageException($"--{name} is a whole number, at least {min}.");
        return value;
    }

    public TimeSpan Seconds(string name, double fallback, double min = 0)
    {
        if (!values.TryGetValue(name, out var text))
            return TimeSpan.FromSeconds(fallback);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min)
            throw new UsageException($"--{name} is a number of seconds, at least {min}.");
        return TimeSpan.FromSeconds(value);
    }

    /// <summary>Names the caller did not read: a typo should fail the run, not silently use a default.</summary>
    public void RejectUnknown(params string[] known)
    {
        var unknown = values.Keys.Except(known).Except(["help"]).ToList();
        if (unknown.Count > 0)
            throw new UsageException($"Unknown option(s) for '{Mode}': {string.Join(", ", unknown.Select(u => "--" + u))}.");
    }

    public const string Usage = """
        Retail.Bench: load generator for the stock write path. Measures; asserts nothing.

          movements --url URL --token TOKEN [--stores 10] [--skus 100] [--workers 64]
                    [--duration 20] [--warmup 3] [--hot] [--row-to FILE]
              Manual stock movements over HTTP (writeOff / goodsReceipt), then an exact balance check.
              --hot aims every worker at one SKU (with --stores 1: one store's stock of one SKU).

          receipts  --url URL --token TOKEN [--stores 10] [--skus 100] [--workers 96]
                    [--duration 20] [--warmup 3] [--embedded] [--cold] [--hot] [--rate N]
                    [--reads N] [--chain-reads N] [--chain-stores 500] [--row-to FILE]
              3-line sale receipts through the registers API, one register per worker, then the same check.
              --cold labels the row as the first run after the API started (grains activating, code not yet optimized).
              --hot: 10 registers (--workers) of one store, every receipt on the same 3 pairs.
              --rate offers N receipts/s in all instead of sending as fast as answers come; latency counts from
              each request's planned start. --reads / --chain-reads time reads at N/s during the receipts: one
              pair's stock, and one SKU's stock across --chain-stores stores (seeded with that SKU first).

          replay    --url URL --token TOKEN [--receipts 500] [--skus 100] [--row-to FILE]
              An offline till's device receipts: one request each to one register, then one batch to another.

          forecast  [--series 40] [--weeks 16]
              Forecast error (MAPE) of the weekly-seasonal smoothing against naive forecasts, on generated demand.
          sheet     --from file.csv --to file.xlsx
              A generated CSV (header row, unquoted cells) written as an .xlsx sheet, for the import benchmark.

          ledger    --connection NPGSQL_CONNECTION_STRING [--grains 256] [--duration 20] [--warmup 3]
                    [--row-to FILE]
              The PostgreSQL ledger's group commit alone, in process: one task per simulated stock grain.

          The silo in process, wired as the API wires it (no HTTP; calls go straight to the grains):
          grains    [--count 1000000] [--stores 1000] [--in-flight 256] [--row-to FILE]
              Embedded mode: --count distinct stock grains activated by one read each and kept active; heap after a
              full compacting collection, RSS, and bytes per grain over the silo with no stock grain.
          reactivate --connection NPGSQL_CONNECTION_STRING [--records 10000] [--pairs 20] [--in-flight 64]
                    [--row-to FILE]
              PostgreSQL mode: --records ledger records per pair through ApplyAsync, every stock grain deactivated,
              then the first read of each pair timed one at a time; the reloaded onHand must be the acknowledged one.
          shutdown  --connection NPGSQL_CONNECTION_STRING [--pairs 200000] [--stores 1000] [--in-flight 256]
                    [--row-to FILE]
              PostgreSQL mode: --pairs pairs changed once each, then IHost.StopAsync (the SIGTERM path) timed; a fresh
              silo on the same database reads every pair back, each exactly as acknowledged.
          Run them as the silo runs, with the workstation collector: DOTNET_gcServer=0.

        --row-to appends one markdown table row with the results (used by bench/run.sh).
        """;
}

/// <summary>A bad command line: printed with the usage, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
