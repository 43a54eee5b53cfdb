using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Retail.Documents;
using Retail.Faults;
using Retail.Integrations;
using Retail.Ledger;
using Retail.Registers;
using Retail.Stock;

namespace Retail.Hosting;

/// <summary>The silo wiring shared by the API host and the stand-alone silo host.</summary>
public static class RetailSilo
{
    public const string ConnectionStringName = "Retail";
    public const string StreamProvider = "retail";

    /// <summary>
    /// Embedded (no connection string): one process, localhost clustering, everything in memory.
    /// PostgreSQL (<c>ConnectionStrings:Retail</c> set): ADO.NET clustering, storage and reminders on
    /// our own schema, migrated before the silo starts, and the ledger in PostgreSQL.
    /// </summary>
    public static IHostApplicationBuilder AddRetailSilo(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        var connectionString = DatabaseConnection.ConnectionString(builder.Configuration);
        var cluster = builder.Configuration.ReadSettings<RetailClusterOptions>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            builder.Services.AddInMemoryLedger();
            builder.Services.AddHostedService<EmbeddedModeWarning>();
            builder.UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
                silo.AddInMemoryProviders();
                silo.AddRetailFaultHandling();
                silo.StartWebhookFeed();
                configure?.Invoke(silo);
            });
            return builder;
        }

        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        builder.Services.AddSingleton<IStockLedger, PostgresStockLedger>();
        builder.Services.AddSingleton<IRegisterJournal, PostgresRegisterJournal>();
        builder.Services.AddSingleton<ILedger, PostgresLedger>();
        builder.Services.AddSingleton<JournaledStep>();
        builder.Services.AddSingleton<IWebhookStore, PostgresWebhookStore>();
        builder.Services.AddIntegrations();
        builder.Services.AddGrainMetrics();
        // Registered before the silo, so the schema exists when the ADO.NET providers read their queries.
        builder.Services.AddHostedService<SchemaMigration>();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = cluster.ServiceId;
            });
            silo.ConfigureEndpoints(cluster.Advertised ?? Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? IPAddress.Loopback,
                cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
            silo.UsePostgresClustering(connectionString);
            foreach (var storage in StorageNames.All)
                silo.AddPostgresGrainStorage(storage, connectionString);
            silo.UsePostgresReminders(connectionString);
            silo.AddMemoryStreams(StreamProvider);
            silo.AddRetailFaultHandling();
            silo.StartWebhookFeed();
            configure?.Invoke(silo);
        });
        return builder;
    }

    /// <summary>The ledger and journal in memory, written through one <see cref="InMemoryLedger"/>: the embedded mode, and fast tests.</summary>
    public static IServiceCollection AddInMemoryLedger(this IServiceCollection services, InMemoryLedger? shared = null)
    {
        var ledger = shared ?? new InMemoryLedger(new InMemoryStockLedger(), new InMemoryRegisterJournal());
        services.AddSingleton<IStockLedger>(ledger.Stock);
        services.AddSingleton<IRegisterJournal>(ledger.Journal);
        services.AddSingleton<ILedger>(ledger);
        services.TryAddSingleton<JournaledStep>();
        return services;
    }

    /// <summary>Short call timeouts, fast failure detection, and faults that can cross the wire: in every mode.</summary>
    public static ISiloBuilder AddRetailFaultHandling(this ISiloBuilder silo)
    {
        silo.UseRetailTimeouts();
        silo.AddIncomingGrainCallFilter<DependencyFaultFilter>();
        return silo;
    }

    /// <summary>
    /// Webhook settings, sender and (unless the database's is registered) the in-memory store; the e-receipt mail
    /// settings. A wrong setting stops start-up with one line that names it.
    /// </summary>
    public static IServiceCollection AddIntegrations(this IServiceCollection services)
    {
        services.AddSettings<WebhookOptions>();
        services.AddSettings<MailOptions>();
        services.AddSettings<CloudRegisterOptions>();
        services.TryAddSingleton<IWebhookStore, InMemoryWebhookStore>();
        services.TryAddSingleton<WebhookSender>();
        services.TryAddSingleton<EReceiptMail>();
        return services;
    }

    /// <summary>
    /// Starts the webhook feed as the silo comes up (its reminder would, within a minute). Not awaited: the silo's
    /// start never waits on it, and a failure here only delays the feed.
    /// </summary>
    private static ISiloBuilder StartWebhookFeed(this ISiloBuilder silo) =>
        silo.AddStartupTask((services, cancellation) =>
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await services.GetRequiredService<IGrainFactory>().GetGrain<IWebhookFeedGrain>(IWebhookFeedGrain.Key).WakeAsync();
                }
                catch (Exception error) when (error is not OutOfMemoryException)
                {
                    services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RetailSilo)).LogWarning(error, "Webhook feed not started with the silo; its reminder starts it");
                }
            });
            return Task.CompletedTask;
        });

    /// <summary>Grain storage, reminders, streams and webhooks in memory: the embedded mode, and fast tests.</summary>
    public static ISiloBuilder AddInMemoryProviders(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton<GrainStateFormat>();
        foreach (var storage in StorageNames.All)
            silo.AddMemoryGrainStorage(storage, options => options.Configure<GrainStateFormat>((options, format) => options.GrainStorageSerializer = format));
        silo.UseInMemoryReminderService();
        silo.AddMemoryStreams(StreamProvider);
        silo.Services.AddIntegrations();
        silo.Services.AddGrainMetrics();
        return silo;
    }

    /// <summary>
    /// The grains' instruments on the <c>Retail</c> meter, from this host's meter factory: each silo counts its own
    /// grains (two silos in one process as well), and the register gauges age by the silo's <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddGrainMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<LedgerMetrics>();
        services.TryAddSingleton<RegisterMetrics>();
        services.TryAddSingleton<StockMetrics>();
        services.TryAddSingleton<DocumentMetrics>();
        services.TryAddSingleton<WebhookMetrics>();
        return services;
    }

    private sealed class SchemaMigration(NpgsqlDataSource dataSource, ILogger<SchemaMigration> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var current = await DatabaseSchema.ApplyAsync(dataSource, cancellationToken);
            logger.LogInformation(current ? "Database schema is up to date ({Count} scripts)" : "Database schema migrated ({Count} scripts)", DatabaseSchema.ScriptNames().Count);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class EmbeddedModeWarning(ILogger<EmbeddedModeWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogWarning("EMBEDDED MODE: stock, receipts and master data live in memory only and are lost when this process stops. " +
                              "Set ConnectionStrings__Retail to a PostgreSQL database for durable operation.");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
