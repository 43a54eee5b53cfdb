using System.Runtime.InteropServices;
using Retail.Faults;
using Retail.Faults.Processes;

// The fault harness: silos, the API and PostgreSQL as separate processes, tills retrying through
// kill -9 and a database restart, then every acknowledgement checked against SQL and the API.
// bench/faults.sh builds, starts PostgreSQL and calls this; see bench/README.md.
FaultOptions options;
try
{
    options = FaultOptions.Parse(args);
}
catch (Exception error) when (error is UsageException or FormatException)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}

Directory.CreateDirectory(options.OutDir);
ChildProcess.KeepPidsIn(Path.Combine(options.OutDir, "children.pids"));
AppDomain.CurrentDomain.ProcessExit += (_, _) => ChildProcess.KillAll();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

try
{
    return await new FaultRun(options).RunAsync();
}
catch (Exception error)
{
    Console.Error.WriteLine($"the fault run could not finish: {error}");
    return 3;
}
finally
{
    ChildProcess.KillAll();
}

static void Stop(PosixSignalContext context)
{
    Console.Error.WriteLine($"{context.Signal}: stopping every process the harness started");
    ChildProcess.KillAll();
    context.Cancel = true;
    Environment.Exit(130);
}
