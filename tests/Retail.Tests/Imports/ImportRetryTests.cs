using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Retail.Common;
using Retail.Documents;
using Retail.Stock;
using Retail.Tests.Http;
using static Retail.Tests.Imports.ImportFiles;

namespace Retail.Tests.Imports;

/// <summary>The embedded API whose orders and stock movements can be refused as unavailable (<see cref="UnavailableRows"/>).</summary>
public sealed class FlakyImportApi : ApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IIncomingGrainCallFilter, UnavailableRows>());
    }
}

/// <summary>
/// Refuses an order's creation or a stock movement as <c>unavailable</c> by its id's prefix: <c>once-</c> the first
/// time and nothing done (a hot pair's commit outwaited), <c>lost-</c> the first time after it was done (its answer
/// lost with the database), <c>down-</c> every time (a database that stays away).
/// </summary>
public sealed class UnavailableRows : IIncomingGrainCallFilter
{
    public static readonly ConcurrentDictionary<string, int> Tries = new();

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var (id, refused) = (context.Request.GetArgumentCount() > 0 ? context.Request.GetArgument(0) : null) switch
        {
            StockMovement movement when context.InterfaceMethod.Name == nameof(IStockGrain.ApplyAsync) =>
                (movement.Id, (object)Outcome<StockMovementRecord>.Refused(Unavailable)),
            OrderRequest when context.InterfaceMethod.Name == nameof(IOrderGrain.CreateAsync) =>
                (GrainKeys.Id(context.TargetId.Key.ToString()!), Outcome<OrderView>.Refused(Unavailable)),
            _ => (null, null),
        };
        var tries = id is null ? 0 : Tries.AddOrUpdate(id, 1, (_, n) => n + 1);
        var prefix = id?.Split('-')[0];
        if (prefix == "down" || (prefix == "once" && tries == 1))
        {
            context.Result = refused;
            return;
        }
        await context.Invoke();
        if (prefix == "lost" && tries == 1)
            context.Result = refused;
    }

    private static DomainError Unavailable => new(ErrorCodes.Unavailable, "injected: the commit did not happen just now");
}

/// <summary>
/// A row refused as unavailable changed nothing, so the import tries it again before it reports it: the counts and the
/// stock come out as if nothing had failed, a row whose write landed but whose answer was lost is counted imported once,
/// and a row that stays unavailable is reported by number with <c>unavailable</c>, its import ending without waiting on it.
/// </summary>
public sealed class ImportRetryTests(FlakyImportApi api) : IClassFixture<FlakyImportApi>
{
    private readonly TestChain chain = new(api);

    private async Task<JsonElement> PairAsync(string store, string sku) =>
        await (await chain.Admin.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).ReadOk<JsonElement>();

    [Fact]
    public async Task Stock_rows_refused_as_unavailable_are_tried_again_and_counted_once()
    {
        var store = await chain.StoreAsync();
        var sku = await chain.SkuAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var file = Csv("id,storeId,sku,type,quantity", [
            $"ok{tag}-1,{store},{sku},goodsReceipt,1",
            $"once-{tag}-2,{store},{sku},goodsReceipt,10",
            $"lost-{tag}-3,{store},{sku},goodsReceipt,100",
            $"down-{tag}-4,{store},{sku},goodsReceipt,1000",
        ]);

        var first = Read(await ImportAsync(chain.Admin, "stock", file, "stock.csv"));
        var triedOnce = UnavailableRows.Tries[$"once-{tag}-2"];
        var triedLost = UnavailableRows.Tries[$"lost-{tag}-3"];
        var again = Read(await ImportAsync(chain.Admin, "stock", file, "stock.csv"));

        Assert.Equal((3, 0, 1), (first.Imported, first.Skipped, first.Failed));
        Assert.Equal((5, (string?)null, ErrorCodes.Unavailable), Assert.Single(first.Failures));
        Assert.Equal((0, 3, 1), (again.Imported, again.Skipped, again.Failed));
        var pair = await PairAsync(store, sku);
        Assert.Equal((111m, 3L), (pair.GetProperty("onHand").GetDecimal(), pair.GetProperty("version").GetInt64()));
        Assert.Equal((2, 2), (triedOnce, triedLost));
    }

    [Fact]
    public async Task Orders_refused_as_unavailable_are_tried_again_and_reserve_once()
    {
        var store = await chain.StoreAsync();
        var sku = await chain.SkuAsync();
        await chain.ReceiveAsync(store, sku, 1000);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var file = Csv("orderId,storeId,sku,quantity,price,email", [
            $"once-{tag}-1,{store},{sku},1,10,a@example.ru",
            $"lost-{tag}-2,{store},{sku},10,10,b@example.ru",
            $"ok{tag}-3,{store},{sku},100,10,c@example.ru",
        ]);

        var first = Read(await ImportAsync(chain.Admin, "orders", file, "orders.csv"));
        var triedLost = UnavailableRows.Tries[$"lost-{tag}-2"];
        var again = Read(await ImportAsync(chain.Admin, "orders", file, "orders.csv"));

        Assert.True(first.Failed == 0, string.Join("; ", first.Failures));
        Assert.Equal((3, 0), (first.Imported, first.Skipped));
        Assert.Equal((0, 3, 0), (again.Imported, again.Skipped, again.Failed));
        Assert.Equal(111m, (await PairAsync(store, sku)).GetProperty("reserved").GetDecimal());
        Assert.Equal(2, triedLost);
    }

    [Fact]
    public async Task A_row_that_goes_through_after_one_that_ran_out_of_tries_gives_the_rows_after_it_their_tries_again()
    {
        var store = await chain.StoreAsync();
        var sku = await chain.SkuAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        // One pair, so one lane: the rows go in the file's order.
        var file = Csv("id,storeId,sku,type,quantity", [
            $"down-{tag}-1,{store},{sku},goodsReceipt,1",
            $"ok{tag}-2,{store},{sku},goodsReceipt,10",
            $"once-{tag}-3,{store},{sku},goodsReceipt,100",
        ]);

        var result = Read(await ImportAsync(chain.Admin, "stock", file, "stock.csv"));

        Assert.Equal((2, 0, 1), (result.Imported, result.Skipped, result.Failed));
        Assert.Equal((2, ErrorCodes.Unavailable), (Assert.Single(result.Failures).Row, result.Failures[0].Code));
        Assert.Equal((5, 2), (UnavailableRows.Tries[$"down-{tag}-1"], UnavailableRows.Tries[$"once-{tag}-3"]));
        Assert.Equal(110m, (await PairAsync(store, sku)).GetProperty("onHand").GetDecimal());
    }

    [Fact]
    public async Task A_database_that_stays_away_gets_one_round_of_tries_then_one_try_a_row()
    {
        var store = await chain.StoreAsync();
        var sku = await chain.SkuAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var rows = Enumerable.Range(0, 200).Select(i => $"down-{tag}-{i},{store},{sku},goodsReceipt,1").ToList();

        var result = Read(await ImportAsync(chain.Admin, "stock", Csv("id,storeId,sku,type,quantity", rows), "stock.csv"));

        Assert.Equal((0, 0, 200), (result.Imported, result.Skipped, result.Failed));
        Assert.All(result.Failures, f => Assert.Equal(ErrorCodes.Unavailable, f.Code));
        // One row per lane may have started its round of tries before the first ran out; every other row was tried once.
        var tries = Enumerable.Range(0, 200).Sum(i => UnavailableRows.Tries[$"down-{tag}-{i}"]);
        Assert.InRange(tries, 200 + 4, 200 + 16 * 4);
        Assert.Equal(0m, (await PairAsync(store, sku)).GetProperty("onHand").GetDecimal());
    }
}
