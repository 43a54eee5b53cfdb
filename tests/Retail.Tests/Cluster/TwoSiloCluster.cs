using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Retail.Hosting;
using Retail.Ledger;
using Retail.Registers;
using Retail.Stock;

namespace Retail.Tests.Cluster;

/// <summary>Two in-process silos with in-memory providers, sharing one ledger as they would share PostgreSQL.</summary>
public sealed class TwoSiloCluster : IAsyncLifetime
{
    public static readonly InMemoryLedger SharedCommits = new(new InMemoryStockLedger(), new InMemoryRegisterJournal());
    public static readonly InMemoryStockLedger SharedLedger = SharedCommits.Stock;
    public static readonly InMemoryRegisterJournal SharedJournal = SharedCommits.Journal;
    public static readonly ManualClock Clock = new();

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder { Options = { InitialSilosCount = 2 } };
        builder.AddSiloBuilderConfigurator<Silo>();
        builder.AddClientBuilderConfigurator<Client>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class Client : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder client) =>
            client.AddMemoryStreams(RetailSilo.StreamProvider);
    }

    private sealed class Silo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddInMemoryProviders();
            silo.Services.AddInMemoryLedger(SharedCommits);
            silo.Services.AddSingleton<TimeProvider>(Clock);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TwoSiloCollection : ICollectionFixture<TwoSiloCluster>
{
    public const string Name = "two silos";
}
