using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Storage;
using Orleans.TestingHost;
using Retail.Common;
using Retail.Hosting;
using Retail.Ledger;
using Retail.Registers;
using Retail.Stock;
using Retail.Tests.Cluster;

namespace Retail.Tests.Registers;

/// <summary>
/// A silo dies while tills keep selling: its registers resume on the survivor from the journal,
/// fiscal numbers continue without gap or repeat, and every acknowledged receipt's stock is written
/// off exactly once. The journal, ledger and grain storage are shared, as PostgreSQL would be.
/// </summary>
public sealed class RegisterFailoverTests : IAsyncLifetime
{
    private static readonly InMemoryLedger Commits = new(new InMemoryStockLedger(), new InMemoryRegisterJournal());
    private static readonly InMemoryStockLedger Ledger = Commits.Stock;
    private static readonly SharedGrainStorage Storage = new();
    private TestCluster cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder { Options = { InitialSilosCount = 3 } };
        builder.AddSiloBuilderConfigurator<Silo>();
        builder.AddClientBuilderConfigurator<Client>();
        cluster = builder.Build();
        await cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    private sealed class Silo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            foreach (var name in StorageNames.All)
                silo.Services.AddKeyedSingleton<IGrainStorage>(name, Storage);
            silo.UseInMemoryReminderService();
            silo.AddMemoryStreams(RetailSilo.StreamProvider);
            silo.Services.AddInMemoryLedger(Commits);
            silo.Services.AddGrainMetrics();
            silo.Services.AddSingleton(TimeProvider.System);
            // Notice the dead silo in seconds, not the production defaults' tens of seconds.
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 2;
                options.NumVotesForDeathDeclaration = 1;
            });
            silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(5));
        }
    }

    private sealed class Client : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder client) =>
            client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Registers_resume_on_a_surviving_silo_with_unbroken_numbers_and_exact_stock()
    {
        var scenario = await new RegisterScenario(cluster.GrainFactory).WithStoreAsync();
        await scenario.DefineSkuAsync("milk");
        await scenario.ReceiveAsync("milk", 10_000);
        var registers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => scenario.OpenRegisterAsync()));
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<ReceiptDocument>();
        // Kill the secondary silo hosting the most registers: those registers must move mid-stream.
        var management = cluster.GrainFactory.GetGrain<IManagementGrain>(0);
        var hosts = await Task.WhenAll(registers.Select(r => management.GetActivationAddress(r).AsTask()));
        var victim = cluster.SecondarySilos.MaxBy(silo => hosts.Count(h => silo.SiloAddress.Equals(h)))!;
        Assert.True(hosts.Count(h => victim.SiloAddress.Equals(h)) > 0, "no register on a secondary silo");
        using var killed = new SemaphoreSlim(0);

        // Each till sells 40 receipts, retrying a receipt (same id) whenever the cluster fails it.
        var tills = registers.Select((register, r) => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                if (r == 0 && i == 10)
                    killed.Release();
                var sale = RegisterScenario.Sale($"r{r}-{i}", "milk", 1, 90);
                for (var attempt = 0; ; attempt++)
                {
                    try
                    {
                        var outcome = await register.FiscalizeAsync(sale);
                        Assert.Null(outcome.Error);
                        acknowledged.Add(outcome.Value!);
                        break;
                    }
                    catch (Exception) when (attempt < 50)
                    {
                        // The silo under the register died mid-call; the till retries the same receipt, as a till would, after a pause.
                        await Task.Delay(200);
                    }
                }
            }
        })).ToList();

        await killed.WaitAsync();
        await KilledSilo.KillAsync(cluster, victim);
        await Task.WhenAll(tills);

        foreach (var register in registers)
        {
            var view = (await register.GetAsync())!;
            var numbers = acknowledged.Where(d => d.RegisterId == view.RegisterId).Select(d => d.FiscalDocumentNumber).Distinct().Order().ToList();
            // FD 1 registration and FD 2 shift open, then exactly one FD per receipt.
            Assert.Equal(Enumerable.Range(3, 40).Select(n => (long)n), numbers);
            Assert.Equal(42, view.LastFiscalDocumentNumber);
        }
        Assert.Equal(10_000 - 12 * 40, (await scenario.StockAsync("milk")).OnHand);
        Assert.Equal(1 + 12 * 40, (await Ledger.ReadHistoryAsync(scenario.StoreId, "milk", 10_000, null)).Count);
    }
}
