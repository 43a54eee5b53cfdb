using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Retail.Hosting;
using Retail.Tests.Http;

namespace Retail.Tests.Postgres;

/// <summary>
/// The stand-alone silo host as a real child process, so a test can kill it the hard way
/// (no deactivation, no snapshot) and start another one against the same database.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> output = [];

    public string ClusterId { get; }
    public int GatewayPort { get; }

    private SiloProcess(string connectionString, string clusterId)
    {
        ClusterId = clusterId;
        GatewayPort = ApiFactory.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(SiloAssembly());
        start.Environment["ConnectionStrings__Retail"] = connectionString;
        start.Environment["Retail__Cluster__ClusterId"] = clusterId;
        start.Environment["Retail__Cluster__SiloPort"] = ApiFactory.FreePort().ToString();
        start.Environment["Retail__Cluster__GatewayPort"] = GatewayPort.ToString();
        start.Environment["Retail__Cluster__AdvertisedAddress"] = "127.0.0.1";
        start.Environment["Retail__Cluster__ProbeTimeoutSeconds"] = ApiFactory.ProbeTimeoutSeconds;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        process = Process.Start(start) ?? throw new InvalidOperationException("The silo did not start.");
        process.OutputDataReceived += (_, line) => Observe(line.Data);
        process.ErrorDataReceived += (_, line) => Observe(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => started.TrySetException(new InvalidOperationException("The silo exited:\n" + Output));
    }

    public string Output
    {
        get { lock (output) return string.Join('\n', output); }
    }

    private void Observe(string? line)
    {
        if (line is null) return;
        lock (output) output.Add(line);
        if (line.Contains("Application started", StringComparison.Ordinal))
            started.TrySetResult();
    }

    public static async Task<SiloProcess> StartAsync(string connectionString, string clusterId)
    {
        var silo = new SiloProcess(connectionString, clusterId);
        await silo.started.Task.WaitAsync(TimeSpan.FromMinutes(2));
        return silo;
    }

    /// <summary>SIGKILL: the process gets no chance to deactivate grains or save anything.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: the host shuts down gracefully, deactivating its grains.</summary>
    public async Task StopGracefullyAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
            await kill.WaitForExitAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
    }

    /// <summary>A cluster client that finds this silo through the membership table.</summary>
    public async Task<IHost> ConnectClientAsync(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = ClusterId;
                options.ServiceId = "retail";
            });
            client.UsePostgresGateways(connectionString);
            // Calls to a killed silo fail fast instead of waiting out the default half minute.
            client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(5));
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>A cluster client that uses this silo's gateway only: grains it activates start on this silo.</summary>
    public async Task<IHost> ConnectClientHereAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = ClusterId;
                options.ServiceId = "retail";
            });
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, GatewayPort));
            client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(5));
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
            await KillAsync();
        process.Dispose();
    }

    private static string SiloAssembly()
    {
        // Tests run from tests/<project>/bin/<configuration>/<framework>/; the silo builds to silo/bin/<configuration>/<framework>/.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var root = testOutput.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, "silo", "bin", configuration, framework, "Retail.Silo.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the silo first.", path);
    }
}

public static class HostExtensions
{
    public static IGrainFactory Grains(this IHost host) => host.Services.GetRequiredService<IClusterClient>();
}
