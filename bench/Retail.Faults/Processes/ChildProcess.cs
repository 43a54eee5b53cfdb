using System.Collections.Concurrent;
using System.Diagnostics;

namespace Retail.Faults.Processes;

/// <summary>
/// A process the harness started (a silo, the API), its output appended to a log file. Every one
/// is remembered until it exits, so the harness can kill whatever is left on any way out, Ctrl-C included.
/// </summary>
public sealed class ChildProcess
{
    private static readonly ConcurrentDictionary<int, ChildProcess> Running = new();
    private static string? pidFile;

    private readonly Process process;
    private readonly StreamWriter log;
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string readyLine;

    public string Name { get; }
    public int Id => process.Id;
    public bool HasExited => process.HasExited;
    public Task Started => started.Task;

    private ChildProcess(string name, string dll, IReadOnlyDictionary<string, string> environment, string logPath, string readyLine)
    {
        Name = name;
        this.readyLine = readyLine;
        log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        lock (log) log.WriteLine($"==== {DateTimeOffset.UtcNow:O} starting {name}");
        process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start.");
        Running[process.Id] = this;
        WritePidFile();
        process.OutputDataReceived += (_, line) => Observe(line.Data);
        process.ErrorDataReceived += (_, line) => Observe(line.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            Running.TryRemove(process.Id, out _);
            WritePidFile();
            started.TrySetException(new InvalidOperationException($"{name} exited with code {process.ExitCode} before it was ready."));
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Starts a process that is ready once it prints <paramref name="readyLine"/> (empty: ready when started).</summary>
    public static ChildProcess Start(string name, string dll, IReadOnlyDictionary<string, string> environment, string logPath, string readyLine = "")
    {
        var child = new ChildProcess(name, dll, environment, logPath, readyLine);
        if (readyLine.Length == 0)
            child.started.TrySetResult();
        return child;
    }

    /// <summary>Where the ids of the running children are kept, so the calling script can finish them off if the harness itself is killed.</summary>
    public static void KeepPidsIn(string path) => pidFile = path;

    private void Observe(string? line)
    {
        if (line is null) return;
        lock (log) log.WriteLine(line);
        if (readyLine.Length > 0 && line.Contains(readyLine, StringComparison.Ordinal))
            started.TrySetResult();
    }

    /// <summary>SIGKILL: no shutdown, no deactivation, no snapshot.</summary>
    public async Task KillAsync()
    {
        lock (log) log.WriteLine($"==== {DateTimeOffset.UtcNow:O} kill -9 {Name}");
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        await process.WaitForExitAsync();
    }

    /// <summary>Kills every child still running; safe to call more than once and from a signal handler.</summary>
    public static void KillAll()
    {
        foreach (var child in Running.Values)
        {
            try
            {
                child.process.Kill(entireProcessTree: true);
                child.process.WaitForExit(5000);
            }
            catch (Exception error) when (error is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Exited meanwhile.
            }
        }
        Running.Clear();
        WritePidFile();
    }

    private static void WritePidFile()
    {
        if (pidFile is null) return;
        try
        {
            File.WriteAllLines(pidFile, Running.Keys.Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        catch (IOException)
        {
            // Best effort: the harness kills its children itself; the file is the script's second line of defence.
        }
    }
}
