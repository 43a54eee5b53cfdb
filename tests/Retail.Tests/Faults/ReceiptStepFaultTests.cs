using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Retail.Common;
using Retail.Hosting;
using Retail.Ledger;
using Retail.Registers;
using Retail.Registers.Fiscal;
using Retail.Stock;
using Retail.Tests.Cluster;
using Retail.Tests.Registers;

namespace Retail.Tests.Faults;

/// <summary>What the ledger or a stock grain does wrong on the next commit or staging.</summary>
public enum Fault
{
    None,
    /// <summary>The ledger throws before writing anything.</summary>
    ThrowBeforeCommit,
    /// <summary>The ledger answers "unavailable" without writing (the database is away).</summary>
    UnavailableBeforeCommit,
    /// <summary>The ledger writes the commit, then its answer is lost (the database went away at COMMIT).</summary>
    LostAfterCommit,
    /// <summary>The ledger writes the commit, then throws.</summary>
    ThrowAfterCommit,
    /// <summary>A stock grain throws while staging a receipt's line.</summary>
    StockGrainThrows,
}

/// <summary>A ledger that fails the next commit the way <see cref="Next"/> says, then behaves.</summary>
public sealed class FaultyLedger(ILedger inner) : ILedger
{
    public static Fault Next;
    /// <summary>The fault for the next commit of a stock grain's own movements that carries <see cref="OwnMovementId"/>.</summary>
    public static Fault NextOwn;
    public static string? OwnMovementId;

    public async Task<CommitResult> CommitAsync(LedgerCommit commit)
    {
        // Only the commits of receipts (the setup's own stock movements go through untouched), and only the ledger's faults.
        var fault = commit.Entries.Any(e => e.Kind == JournalKinds.Receipt) && Next is not (Fault.None or Fault.StockGrainThrows)
            ? Interlocked.Exchange(ref Next, Fault.None)
            : commit.Entries.Count == 0 && commit.Stock.Any(s => s.Record.MovementId == OwnMovementId)
                ? Interlocked.Exchange(ref NextOwn, Fault.None)
                : Fault.None;
        switch (fault)
        {
            case Fault.ThrowBeforeCommit:
                throw new InvalidOperationException("injected: the ledger failed before the commit");
            case Fault.UnavailableBeforeCommit:
                return CommitResult.Unavailable;
            case Fault.LostAfterCommit:
                await inner.CommitAsync(commit);
                return new CommitResult(CommitOutcome.Unknown);
            case Fault.ThrowAfterCommit:
                await inner.CommitAsync(commit);
                throw new InvalidOperationException("injected: the ledger failed after the commit");
            default:
                return await inner.CommitAsync(commit);
        }
    }
}

/// <summary>Throws on a stock grain's staging once when the fault says so.</summary>
public sealed class FaultyStaging : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod.Name == nameof(IStockGrain.StageAsync)
            && Interlocked.CompareExchange(ref FaultyLedger.Next, Fault.None, Fault.StockGrainThrows) == Fault.StockGrainThrows)
            throw new InvalidOperationException("injected: the stock grain failed while staging");
        return context.Invoke();
    }
}

/// <summary>
/// A fault at each step of a receipt: before, during and after the commit, and in a stock grain.
/// The till gets a clear refusal (never an exception), retries with the same id, and afterwards the
/// receipt is journaled once, its stock written off once, its marked unit sold once, and the register's
/// fiscal numbers continue without gap or repeat.
/// </summary>
public sealed class ReceiptStepFaultTests : IAsyncLifetime
{
    private static readonly InMemoryLedger Commits = new(new InMemoryStockLedger(), new InMemoryRegisterJournal());
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
        public void Configure(ISiloBuilder silo)
        {
            silo.AddInMemoryProviders();
            silo.Services.AddInMemoryLedger(Commits);
            silo.Services.AddSingleton<ILedger>(new FaultyLedger(Commits));
            silo.AddIncomingGrainCallFilter<FaultyStaging>();
        }
    }

    /// <summary>A fault at each step: before, during and after the commit, and in a stock grain.</summary>
    public static TheoryData<Fault> EveryFault =>
        [Fault.ThrowBeforeCommit, Fault.UnavailableBeforeCommit, Fault.LostAfterCommit, Fault.ThrowAfterCommit, Fault.StockGrainThrows];

    [Theory]
    [InlineData(Fault.ThrowBeforeCommit)]
    [InlineData(Fault.ThrowAfterCommit)]
    [InlineData(Fault.LostAfterCommit)]
    public async Task A_movement_whose_commit_throws_or_is_lost_is_refused_at_once_and_its_retry_applies_it_once(Fault fault)
    {
        var scenario = await new RegisterScenario(cluster.GrainFactory).WithStoreAsync();
        await scenario.DefineSkuAsync("milk");
        await scenario.ReceiveAsync("milk", 100);
        var stock = cluster.GrainFactory.GetGrain<IStockGrain>(GrainKeys.Stock(scenario.StoreId, "milk"));
        var id = $"w-{Guid.NewGuid():N}";
        var writeOff = new StockMovement(id, MovementType.WriteOff, 4m, "damaged");

        FaultyLedger.OwnMovementId = id;
        FaultyLedger.NextOwn = fault;
        var first = await stock.ApplyAsync(writeOff).WaitAsync(TimeSpan.FromSeconds(10));
        var retried = await Eventually.Until(() => stock.ApplyAsync(writeOff), r => r.Error is null);

        Assert.Equal(Fault.None, FaultyLedger.NextOwn);
        Assert.Equal(ErrorCodes.Unavailable, first.Error?.Code);
        Assert.Equal((96m, 2L), (retried.Value!.OnHandAfter, retried.Value.Version));
        Assert.Equal((96m, 2L), ((await stock.GetAsync()).OnHand, (await stock.GetAsync()).Version));
        Assert.Equal(2, (await Commits.Stock.ReadHistoryAsync(scenario.StoreId, "milk", 10, null)).Count);
    }

    [Theory]
    [MemberData(nameof(EveryFault))]
    public async Task A_batch_of_device_receipts_failed_at_any_step_and_retried_applies_each_exactly_once(Fault fault)
    {
        var scenario = await new RegisterScenario(cluster.GrainFactory).WithStoreAsync();
        await scenario.DefineSkuAsync("milk");
        await scenario.ReceiveAsync("milk", 100);
        var till = new DeviceTill(DeviceTill.NewFnSerial(), DateTimeOffset.UtcNow.AddHours(-3));
        var register = scenario.Register($"kkt-{Guid.NewGuid():N}"[..16]);
        Assert.Null((await register.RegisterDeviceAsync(new DeviceRegistration(scenario.StoreId, till.FnSerial, DeviceTill.RegistrationNumber))).Error);
        Assert.Null((await till.OpenShift().SendAsync(register)).Error);
        for (var i = 0; i < 10; i++)
            till.Sell($"d-{i}", "milk", 1, 90);
        var batch = till.Receipts.Select(r => new FiscalizedReceipt(r.Receipt, r.Fiscal)).ToList();

        FaultyLedger.Next = fault;
        var first = await register.AcceptFiscalizedReceiptsAsync(batch);
        Assert.Equal(Fault.None, FaultyLedger.Next);
        // The run's one step failed: the ledger's faults answer the whole run unavailable; a stock grain's goes receipt by receipt.
        if (fault == Fault.StockGrainThrows)
            Assert.All(first, o => Assert.Null(o.Error));
        else
            Assert.All(first, o => Assert.Equal(ErrorCodes.Unavailable, o.Error?.Code));

        var retried = await Eventually.Until(() => register.AcceptFiscalizedReceiptsAsync(batch), r => r.All(o => o.Error is null));
        Assert.Equal(till.Receipts.Select(r => r.FiscalDocumentNumber), retried.Select(o => o.Value!.FiscalDocumentNumber));
        await Eventually.Until(() => scenario.StockAsync("milk"), l => l.OnHand == 90m);
        Assert.Equal(11, (await scenario.StockAsync("milk")).Version); // the goods receipt and one sale each
        var journal = await Commits.Journal.ReadAfterAsync(GrainKeys.Id(register.GetPrimaryKeyString()), 0, 100);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"d-{i}"), journal.Where(e => e.Kind == JournalKinds.Receipt).Select(e => e.ClientId));
        Assert.Equal(Enumerable.Range(1, journal.Count).Select(n => (long)n), journal.Select(e => e.Sequence));
    }

    [Theory]
    [MemberData(nameof(EveryFault))]
    public async Task A_receipt_failed_at_any_step_and_retried_applies_exactly_once(Fault fault)
    {
        var scenario = await new RegisterScenario(cluster.GrainFactory).WithStoreAsync();
        await scenario.DefineSkuAsync("milk");
        await scenario.DefineSkuAsync("shoes", marked: true);
        await scenario.ReceiveAsync("milk", 100);
        await scenario.ReceiveAsync("shoes", 5);
        var register = await scenario.OpenRegisterAsync();
        var code = $"010460043993125621{Guid.NewGuid():N}"[..40];
        var sale = RegisterScenario.Sale("r-1", "milk", 2, 90) with
        {
            Items = [new ReceiptItemInput("milk", 2, 90), new ReceiptItemInput("shoes", 1, 100, code)],
            Payments = [new PaymentInput(PaymentType.Cash, 280)],
        };

        FaultyLedger.Next = fault;
        var first = await register.FiscalizeAsync(sale);
        Assert.Equal(Fault.None, FaultyLedger.Next);
        Assert.Equal(ErrorCodes.Unavailable, first.Error?.Code);

        var retried = await Eventually.Until(() => register.FiscalizeAsync(sale), r => r.Error is null);
        var next = await register.FiscalizeAsync(RegisterScenario.Sale("r-2", "milk", 1, 90));

        Assert.Equal(3, retried.Value!.FiscalDocumentNumber);
        Assert.Equal(4, next.Value!.FiscalDocumentNumber);
        await Eventually.Until(() => scenario.StockAsync("milk"), l => l.OnHand == 97m);
        Assert.Equal(3, (await scenario.StockAsync("milk")).Version); // the opening receipt, r-1 and r-2
        Assert.Equal(4m, (await scenario.StockAsync("shoes")).OnHand);
        var receipts = (await Commits.Journal.ReadAfterAsync(GrainKeys.Id(register.GetPrimaryKeyString()), 0, 100))
            .Where(e => e.Kind == JournalKinds.Receipt).Select(e => e.ClientId).ToList();
        Assert.Equal(["r-1", "r-2"], receipts);
        Assert.Equal("sold", await Eventually.Until(
            () => cluster.GrainFactory.GetGrain<IMarkingCodeGrain>($"mark/{code}").StatusAsync(), s => s == "sold"));
    }

    [Fact]
    public async Task A_marked_unit_held_by_a_receipt_that_never_journaled_can_be_sold_on_the_next_one()
    {
        var scenario = await new RegisterScenario(cluster.GrainFactory).WithStoreAsync();
        await scenario.DefineSkuAsync("shoes", marked: true);
        await scenario.ReceiveAsync("shoes", 5);
        var register = await scenario.OpenRegisterAsync();
        var code = $"010460043993125621{Guid.NewGuid():N}"[..40];
        ReceiptInput Sale(string id) => RegisterScenario.Sale(id, "shoes", 1, 100, markingCode: code);

        FaultyLedger.Next = Fault.UnavailableBeforeCommit;
        var failed = await register.FiscalizeAsync(Sale("r-1"));
        var unit = cluster.GrainFactory.GetGrain<IMarkingCodeGrain>($"mark/{code}");
        var statusAfterFailure = await unit.StatusAsync();
        var sold = await register.FiscalizeAsync(Sale("r-2"));
        var again = await register.FiscalizeAsync(Sale("r-3"));

        Assert.Equal(ErrorCodes.Unavailable, failed.Error?.Code);
        Assert.Equal("in_stock", statusAfterFailure);
        Assert.Null(sold.Error);
        Assert.Equal(ErrorCodes.MarkingCodeAlreadySold, again.Error?.Code);
        Assert.Equal(4m, (await scenario.StockAsync("shoes")).OnHand);
    }
}
