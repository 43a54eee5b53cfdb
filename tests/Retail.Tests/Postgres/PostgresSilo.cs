using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Retail.Hosting;

namespace Retail.Tests.Postgres;

/// <summary>
/// An in-process silo on PostgreSQL through the same <see cref="OrleansAdoNet"/> helpers the
/// production silo uses (ADO.NET clustering, grain storage and reminders). Only the minimum
/// reminder period is shortened, so reminder tests need not wait a minute.
/// </summary>
public sealed class PostgresSilo : IAsyncDisposable
{
    public const string ClusterId = "retail-test";
    public const string ServiceId = "retail";
    public const string TallyStorage = "tally";
    public const string DeletingTallyStorage = "tally-deleting";

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly IHost _host;
    private bool _stopped;

    private PostgresSilo(IHost host, int siloPort, int gatewayPort)
    {
        _host = host;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public IServiceProvider Services => _host.Services;
    public int SiloPort { get; }
    public int GatewayPort { get; }

    public static async Task<PostgresSilo> StartAsync(
        string connectionString, string clusterId = ClusterId, Action<ISiloBuilder>? configure = null)
    {
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
            silo.UsePostgresClustering(connectionString);
            silo.AddPostgresGrainStorage(TallyStorage, connectionString);
            silo.AddPostgresGrainStorage(DeletingTallyStorage, connectionString, deleteStateOnClear: true);
            silo.UsePostgresReminders(connectionString);
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            configure?.Invoke(silo);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            // A silo that failed part way through its start has its grain directory loop running already.
            var leftovers = Cluster.KilledSilo.LeftoversOf(host.Services);
            host.Dispose();
            await Cluster.KilledSilo.StopLeftoversAsync(leftovers);
            throw;
        }
        return new PostgresSilo(host, siloPort, gatewayPort);
    }

    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        using var timeout = new CancellationTokenSource(StopTimeout);
        await _host.StopAsync(timeout.Token);
    }

    /// <summary>
    /// Stops without the graceful shutdown steps (an already cancelled stop), so the silo neither
    /// deregisters nor says goodbye: the others must find out it is gone.
    /// </summary>
    public async Task KillAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _host.StopAsync(new CancellationToken(canceled: true));
        await Cluster.KilledSilo.StopLeftoversAsync(_host.Services);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _host.Dispose();
        }
    }

    /// <summary>A client that finds the silos through the gateway rows of the membership table.</summary>
    public static async Task<IHost> StartClientAsync(string connectionString, string clusterId = ClusterId)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = ServiceId;
            });
            client.UsePostgresGateways(connectionString);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
