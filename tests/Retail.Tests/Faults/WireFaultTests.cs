using Orleans.TestingHost;
using Retail.Common;
using Retail.Hosting;

namespace Retail.Tests.Faults;

/// <summary>A silo wired as RetailSilo wires it, and a client across the wire: what a grain's failure becomes on the way.</summary>
public sealed class WireFaultTests : IAsyncLifetime
{
    private TestCluster cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder { Options = { InitialSilosCount = 1 } };
        builder.AddSiloBuilderConfigurator<Silo>();
        cluster = builder.Build();
        await cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    private sealed class Silo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo.AddRetailFaultHandling();
    }

    private IFaultyGrain Grain(string key) => cluster.Client.GetGrain<IFaultyGrain>(key);

    [Fact]
    public async Task A_database_outage_reaches_the_client_as_dependency_unavailable()
    {
        var key = FaultyGrain.Plan(FaultyGrain.DatabaseAway);

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => Grain(key).CallAsync());

        Assert.Contains("Failed to connect", error.Message);
        Assert.Equal("answered " + key, await Grain(key).CallAsync());
    }

    [Fact]
    public async Task A_refused_statement_reaches_the_client_as_a_plain_bug()
    {
        var key = FaultyGrain.Plan(FaultyGrain.RefusedStatement);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Grain(key).CallAsync());

        Assert.Contains("23505", error.Message);
    }

    [Fact]
    public async Task Exceptions_with_codecs_cross_unchanged()
    {
        var key = FaultyGrain.Plan(() => new ArgumentException("no such shelf"));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Grain(key).CallAsync());

        Assert.Equal("no such shelf", error.Message);
    }
}
