using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Retail.Faults.Processes;

/// <summary>
/// Three (or more) stand-alone silos and the API in client mode on loopback, all against one
/// PostgreSQL, each a real process the harness can kill -9 and start again.
/// </summary>
public sealed class Cluster
{
    private readonly FaultOptions options;
    private readonly string clusterId = "faults-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    private readonly Silo[] silos;
    private ChildProcess? api;

    public string AdminToken { get; } = "faults-" + Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();
    public Uri ApiUrl { get; }

    private sealed class Silo(int number, int siloPort, int gatewayPort)
    {
        public int Number { get; } = number;
        public int SiloPort { get; set; } = siloPort;
        public int GatewayPort { get; set; } = gatewayPort;
        public ChildProcess? Process { get; set; }
        public int Starts { get; set; }
    }

    public Cluster(FaultOptions options)
    {
        this.options = options;
        silos = Enumerable.Range(1, options.Silos).Select(n => new Silo(n, FreePort(), FreePort())).ToArray();
        ApiUrl = new Uri($"http://127.0.0.1:{FreePort()}/");
    }

    public int SiloCount => silos.Length;

    public async Task StartAsync()
    {
        // The first silo creates the schema; the others then join without racing it (harmless, but slower on 2 cores).
        await StartSiloAsync(silos[0]);
        await Task.WhenAll(silos.Skip(1).Select(StartSiloAsync));
        var environment = new Dictionary<string, string>(Common)
        {
            ["Retail__Cluster__Mode"] = "client",
            ["Retail__Auth__AdminToken"] = AdminToken,
            ["ASPNETCORE_URLS"] = ApiUrl.ToString().TrimEnd('/'),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        api = ChildProcess.Start("api", Dll("api", "Retail.Api"), environment, Log("api"));
        await WaitUntilReadyAsync(TimeSpan.FromMinutes(3));
    }

    private Dictionary<string, string> Common => new()
    {
        ["ConnectionStrings__Retail"] = options.Connection,
        ["Retail__Cluster__ClusterId"] = clusterId,
        ["Retail__Cluster__AdvertisedAddress"] = "127.0.0.1",
        // Request logging at Information costs more CPU than the requests; the lifetime line says "started".
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    private async Task StartSiloAsync(Silo silo)
    {
        for (var attempt = 1; ; attempt++)
        {
            var environment = new Dictionary<string, string>(Common)
            {
                ["Retail__Cluster__SiloPort"] = silo.SiloPort.ToString(CultureInfo.InvariantCulture),
                ["Retail__Cluster__GatewayPort"] = silo.GatewayPort.ToString(CultureInfo.InvariantCulture),
            };
            silo.Starts++;
            silo.Process = ChildProcess.Start($"silo-{silo.Number}", Dll("silo", "Retail.Silo"), environment,
                Log($"silo-{silo.Number}"), readyLine: "Application started");
            try
            {
                await silo.Process.Started.WaitAsync(TimeSpan.FromMinutes(3));
                return;
            }
            catch (Exception error) when (attempt < 5 && error is InvalidOperationException or TimeoutException)
            {
                // Exited early: PostgreSQL away for the moment, or a port taken in the meantime. Try again on fresh ports.
                Console.WriteLine($"  silo-{silo.Number} did not come up ({error.Message}); starting it again");
                if (!silo.Process.HasExited)
                    await silo.Process.KillAsync();
                silo.SiloPort = FreePort();
                silo.GatewayPort = FreePort();
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }

    /// <summary>A running silo, round-robin by kill number, never the API.</summary>
    public int PickVictim(int kill)
    {
        for (var i = 0; i < silos.Length; i++)
        {
            var silo = silos[(kill + i) % silos.Length];
            if (silo.Process is { HasExited: false } p && p.Started.IsCompletedSuccessfully)
                return silo.Number;
        }
        return 0;
    }

    public async Task KillSiloAsync(int number) => await silos[number - 1].Process!.KillAsync();

    /// <summary>Starts a killed silo again on its old ports, as a supervisor would; returns once it says it started.</summary>
    public Task RestartSiloAsync(int number) => StartSiloAsync(silos[number - 1]);

    public bool ApiAlive => api is { HasExited: false };

    public async Task HaltPostgresAsync() => await PostgresAsync("halt");

    public async Task ResumePostgresAsync() => await PostgresAsync("resume");

    private async Task PostgresAsync(string action)
    {
        var start = new ProcessStartInfo(Path.Combine(options.Repo, "deploy", "throwaway-postgres.sh")) { UseShellExecute = false };
        start.ArgumentList.Add(action);
        start.ArgumentList.Add(options.PostgresDir);
        using var script = Process.Start(start) ?? throw new InvalidOperationException("throwaway-postgres.sh did not start.");
        await script.WaitForExitAsync();
        if (script.ExitCode != 0)
            throw new InvalidOperationException($"throwaway-postgres.sh {action} failed with code {script.ExitCode}.");
    }

    private async Task WaitUntilReadyAsync(TimeSpan limit)
    {
        using var http = new HttpClient { BaseAddress = ApiUrl, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < limit)
        {
            if (!ApiAlive)
                throw new InvalidOperationException("The API exited while starting; see " + Log("api"));
            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        throw new TimeoutException($"The API was not ready within {limit.TotalSeconds:0} s; see {Log("api")}");
    }

    public string Log(string name) => Path.Combine(options.OutDir, name + ".log");

    private string Dll(string project, string assembly)
    {
        var path = Path.Combine(options.Repo, project, "bin", "Release", "net10.0", assembly + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} in Release first.", path);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
