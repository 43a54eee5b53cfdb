using System.Globalization;

namespace Retail.Faults;

public sealed class UsageException(string message) : Exception(message);

/// <summary>The harness's command line: what to start, how long to load it and which faults to inject.</summary>
public sealed record FaultOptions
{
    public required string Connection { get; init; }
    public required string PostgresDir { get; init; }
    public required string Repo { get; init; }
    public required string OutDir { get; init; }
    /// <summary>Load, faults included; the drain afterwards is not counted.</summary>
    public double Seconds { get; init; } = 300;
    public int Kills { get; init; } = 20;
    /// <summary>Seconds between two faults; 0: spread the faults over the load evenly.</summary>
    public double Every { get; init; }
    public double RestartAfter { get; init; } = 2;
    public double PostgresDown { get; init; } = 10;
    /// <summary>Seconds of load before the first fault: the usual acknowledgement rate is measured there.</summary>
    public double Baseline { get; init; } = 15;
    /// <summary>Seconds of load after the last fault, so the last recovery can be seen.</summary>
    public double Calm { get; init; } = 20;
    /// <summary>How long the tills may keep retrying after the load stops before a request counts as never answered.</summary>
    public double Drain { get; init; } = 120;
    public int Silos { get; init; } = 3;
    public int Tills { get; init; } = 16;
    public int Stores { get; init; } = 3;
    public int Skus { get; init; } = 8;
    public int RegistersPerStore { get; init; } = 4;
    public bool PostgresRestart { get; init; } = true;

    public static FaultOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new UsageException($"Unexpected argument '{args[i]}'.");
            var name = args[i][2..];
            if (name is "short" or "no-postgres-restart")
                flags.Add(name);
            else if (i + 1 < args.Length)
                values[name] = args[++i];
            else
                throw new UsageException($"--{name} needs a value.");
        }

        string Required(string name) => values.Remove(name, out var v) ? v : throw new UsageException($"--{name} is required.");
        double Number(string name, double fallback) =>
            values.Remove(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        int Int(string name, int fallback) =>
            values.Remove(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        var isShort = flags.Contains("short");
        var options = new FaultOptions
        {
            Connection = Required("connection"),
            PostgresDir = Required("postgres-dir"),
            Repo = Required("repo"),
            OutDir = Required("out"),
            Seconds = Number("seconds", isShort ? 90 : 300),
            Kills = Int("kills", isShort ? 4 : 20),
            Every = Number("every", 0),
            RestartAfter = Number("restart-after", 2),
            PostgresDown = Number("postgres-down", 10),
            Baseline = Number("baseline", isShort ? 12 : 15),
            Calm = Number("calm", isShort ? 15 : 20),
            Drain = Number("drain", 120),
            Silos = Int("silos", 3),
            Tills = Int("tills", 16),
            Stores = Int("stores", 3),
            Skus = Int("skus", 8),
            RegistersPerStore = Int("registers-per-store", 4),
            PostgresRestart = !flags.Contains("no-postgres-restart"),
        };
        if (values.Count > 0)
            throw new UsageException($"Unknown option --{values.Keys.First()}.");
        if (options.Silos < 2)
            throw new UsageException("--silos is 2 or more: a kill must leave the cluster a silo to fail over to.");
        if (options.Skus < 3)
            throw new UsageException("--skus is 3 or more (receipts have up to 3 lines of different SKUs).");
        if (options.FaultSlots > 0 && options.Gap < options.RestartAfter + 1)
            throw new UsageException($"{options.FaultSlots} faults do not fit in --seconds {options.Seconds}: " +
                                     "give more seconds, fewer kills or a shorter --baseline/--calm.");
        return options;
    }

    public int FaultSlots => Kills + (PostgresRestart ? 1 : 0);

    /// <summary>Seconds from one fault to the next.</summary>
    public double Gap => Every > 0 ? Every : (Seconds - Baseline - Calm) / Math.Max(1, FaultSlots - 1);
}
