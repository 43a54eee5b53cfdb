using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Access;
using Retail.Common;
using Retail.Stock;

namespace Retail.Tests.Http;

[Collection(ApiCollection.Name)]
public sealed class AccessTests(ApiFactory api)
{
    private readonly TestChain chain = new(api);

    private IApiKeyDirectoryGrain Directory => api.Services.GetRequiredService<IGrainFactory>().GetGrain<IApiKeyDirectoryGrain>(GrainKeys.ApiKeyDirectory);

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private async Task<StockLevel> ReadStock(string store, string sku) =>
        await (await chain.Admin.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).ReadOk<StockLevel>();

    [Fact]
    public async Task An_issued_key_shows_its_token_once_and_is_stored_only_as_a_hash()
    {
        var store = await chain.StoreAsync();

        var response = await chain.Admin.PostJson("/api/v1/api-keys", new { role = "manager", storeIds = new[] { store, store } });
        var issued = await response.ReadOk<JsonElement>(HttpStatusCode.Created);
        var id = issued.GetProperty("id").GetString()!;
        var token = issued.GetProperty("token").GetString()!;
        var listed = await (await chain.Admin.GetAsync("/api/v1/api-keys")).ReadOk<JsonElement>();
        var one = await (await chain.Admin.GetAsync($"/api/v1/api-keys/{id}")).ReadOk<JsonElement>();
        var stored = (await Directory.ListAsync()).Single(k => k.Id == id);

        Assert.Equal($"/api/v1/api-keys/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("manager", issued.GetProperty("role").GetString());
        Assert.Equal([store], issued.GetProperty("storeIds").EnumerateArray().Select(s => s.GetString()));
        Assert.Empty(issued.GetProperty("registerIds").EnumerateArray());
        Assert.True(issued.TryGetProperty("createdAt", out _));
        Assert.True(token.Length >= 40, "A token carries at least 256 random bits.");
        var entry = Assert.Single(listed.EnumerateArray(), k => k.GetProperty("id").GetString() == id);
        Assert.False(entry.TryGetProperty("token", out _));
        Assert.False(one.TryGetProperty("token", out _));
        Assert.DoesNotContain(token, listed.GetRawText());
        Assert.Equal(Sha256(token), stored.TokenHash);
        Assert.DoesNotContain(token, JsonSerializer.Serialize(stored));
    }

    [Fact]
    public async Task A_manager_works_on_its_own_stores_stock_and_nowhere_else()
    {
        var (mine, other) = (await chain.StoreAsync(), await chain.StoreAsync());
        var sku = await chain.SkuAsync();
        await chain.ReceiveAsync(other, sku, 5);
        var (_, _, manager) = await chain.KeyAsync("manager", storeIds: [mine]);

        var moved = await manager.PostJson($"/api/v1/stores/{mine}/stock/{sku}/movements", new { id = "in-1", type = "goodsReceipt", quantity = 3 });
        var read = await manager.GetAsync($"/api/v1/stores/{mine}/stock/{sku}");
        var foreignRead = await manager.GetAsync($"/api/v1/stores/{other}/stock/{sku}");
        var foreignWrite = await manager.PostJson($"/api/v1/stores/{other}/stock/{sku}/movements", new { id = "wo-1", type = "writeOff", quantity = 1 });
        var masterData = await manager.PutJson($"/api/v1/skus/{sku}", new { name = "Renamed", unit = "pcs", vat = "vat22", price = 1, kind = "goods" });

        Assert.Equal(3, (await moved.ReadOk<StockLevel>()).OnHand);
        Assert.Equal(3, (await read.ReadOk<StockLevel>()).OnHand);
        await foreignRead.AssertProblem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await foreignWrite.AssertProblem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await masterData.AssertProblem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        Assert.Equal(new StockLevel(other, sku, 5, 0, 0, 1), await ReadStock(other, sku));
        Assert.Equal("Kefir", (await (await chain.Admin.GetAsync($"/api/v1/skus/{sku}")).ReadOk<JsonElement>()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_cashier_fiscalizes_on_its_register_reads_its_stores_stock_and_touches_nothing_else()
    {
        var (mine, other) = (await chain.StoreAsync(), await chain.StoreAsync());
        var sku = await chain.SkuAsync();
        await chain.ReceiveAsync(mine, sku, 10);
        var (till, foreignTill) = (await chain.RegisterAsync(mine), await chain.RegisterAsync(other));
        var (_, _, cashier) = await chain.KeyAsync("cashier", registerIds: [till]);

        var sold = await cashier.PostJson($"/api/v1/registers/{till}/receipts", TestChain.Sale("r-1", sku, 2));
        var stock = await cashier.GetAsync($"/api/v1/stores/{mine}/stock/{sku}");
        var foreignSale = await cashier.PostJson($"/api/v1/registers/{foreignTill}/receipts", TestChain.Sale("r-2", sku));
        var foreignStock = await cashier.GetAsync($"/api/v1/stores/{other}/stock/{sku}");
        var movement = await cashier.PostJson($"/api/v1/stores/{mine}/stock/{sku}/movements", new { id = "wo", type = "writeOff", quantity = 1 });
        var registration = await cashier.PutJson($"/api/v1/registers/{till}", new { storeId = mine });

        Assert.Equal(HttpStatusCode.Created, sold.StatusCode);
        Assert.Equal(8, (await stock.ReadOk<StockLevel>()).OnHand);
        await foreignSale.AssertProblem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await foreignStock.AssertProblem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await movement.AssertProblem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await registration.AssertProblem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        Assert.Equal(8, (await ReadStock(mine, sku)).OnHand);
        var foreign = await (await chain.Admin.GetAsync($"/api/v1/registers/{foreignTill}")).ReadOk<JsonElement>();
        Assert.Equal(2, foreign.GetProperty("lastFiscalDocumentNumber").GetInt64());
    }

    [Fact]
    public async Task Any_key_reads_master_data_and_only_admins_manage_keys()
    {
        var store = await chain.StoreAsync();
        var sku = await chain.SkuAsync();
        var (_, _, integration) = await chain.KeyAsync("integration", storeIds: [store]);
        var (_, _, manager) = await chain.KeyAsync("manager", storeIds: [store]);
        var before = (await Directory.ListAsync()).Count;

        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/v1/stores")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync($"/api/v1/stores/{store}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync($"/api/v1/skus/{sku}")).StatusCode);
        await (await integration.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).AssertProblem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await (await manager.PostJson("/api/v1/api-keys", new { role = "admin" })).AssertProblem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await (await manager.GetAsync("/api/v1/api-keys")).AssertProblem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        Assert.Equal(before, (await Directory.ListAsync()).Count);
    }

    [Fact]
    public async Task An_issued_admin_key_is_an_admin()
    {
        var (id, _, admin) = await chain.KeyAsync("admin");

        var store = TestChain.NewId("st");
        var created = await admin.PutJson($"/api/v1/stores/{store}", new { name = "S", timeZone = "Europe/Moscow", inn = "7707083893", taxationSystem = "osn" });
        var keys = await admin.GetAsync("/api/v1/api-keys");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains((await keys.ReadOk<JsonElement>()).EnumerateArray(), k => k.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once_and_nothing_it_sends_changes_anything()
    {
        var store = await chain.StoreAsync();
        var sku = await chain.SkuAsync();
        var (id, _, manager) = await chain.KeyAsync("manager", storeIds: [store]);
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await chain.Admin.DeleteAsync($"/api/v1/api-keys/{id}")).StatusCode);

        await (await manager.PostJson($"/api/v1/stores/{store}/stock/{sku}/movements", new { id = "in", type = "goodsReceipt", quantity = 1 }))
            .AssertProblem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
        Assert.Equal(0, (await ReadStock(store, sku)).Version);
        Assert.DoesNotContain(await Directory.ListAsync(), k => k.Id == id);
        await (await chain.Admin.DeleteAsync($"/api/v1/api-keys/{id}")).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await (await chain.Admin.GetAsync($"/api/v1/api-keys/{id}")).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task A_key_revoked_through_another_process_stops_working_within_seconds()
    {
        var store = await chain.StoreAsync();
        var (id, _, manager) = await chain.KeyAsync("manager", storeIds: [store]);
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync($"/api/v1/stores/{store}")).StatusCode);

        // Straight at the directory, as another API process would: this process learns it only when its cache entry expires.
        Assert.NotNull(await Directory.RevokeAsync(id));
        var clock = Stopwatch.StartNew();
        var status = await Eventually.Until(async () => (await manager.GetAsync($"/api/v1/stores/{store}")).StatusCode, s => s == HttpStatusCode.Unauthorized);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"Revocation took {clock.Elapsed}");
    }

    public static TheoryData<string, HttpStatusCode, string, string?> BadKeys => new()
    {
        { """{"role":"owner","storeIds":["{store}"]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "role" },
        { """{"role":2,"storeIds":["{store}"]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "role" },
        { """{"storeIds":["{store}"]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "role" },
        { """{"role":"manager"}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "storeIds" },
        { """{"role":"integration","storeIds":[]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "storeIds" },
        { """{"role":"manager","storeIds":["{store}"],"registerIds":["{register}"]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "registerIds" },
        { """{"role":"cashier","storeIds":["{store}"]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "registerIds" },
        { """{"role":"cashier","registerIds":["{register}"],"storeIds":["{store}"]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "storeIds" },
        { """{"role":"admin","storeIds":["{store}"]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "storeIds" },
        { """{"role":"manager","storeIds":["no such store"]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "storeIds[0]" },
        { """{"role":"manager","storeIds":["{store}","nowhere"]}""", HttpStatusCode.NotFound, ErrorCodes.UnknownStore, "storeIds[1]" },
        { """{"role":"cashier","registerIds":["never-registered"]}""", HttpStatusCode.NotFound, ErrorCodes.NotFound, "registerIds[0]" },
        { """{"role":"manager","storeIds":"{store}"}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "storeIds" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task A_bad_key_request_is_refused_with_its_field_and_issues_nothing(string body, HttpStatusCode status, string code, string? field)
    {
        var store = await chain.StoreAsync();
        var register = await chain.RegisterAsync(store, openShift: false);
        var before = (await Directory.ListAsync()).Count;

        var response = await chain.Admin.PostRaw("/api/v1/api-keys", body.Replace("{store}", store).Replace("{register}", register));

        await response.AssertProblem(status, code, field);
        Assert.Equal(before, (await Directory.ListAsync()).Count);
    }

    [Fact]
    public async Task Keys_and_tokens_that_do_not_exist_are_401_and_the_scheme_is_named()
    {
        var madeUp = api.WithToken("rtl_" + new string('A', 43));
        var huge = api.WithToken(new string('x', 4000));
        var anonymous = api.CreateClient();

        var responses = new[] { await madeUp.GetAsync("/api/v1/stores"), await huge.GetAsync("/api/v1/stores"), await anonymous.GetAsync("/api/v1/api-keys") };

        foreach (var response in responses)
        {
            await response.AssertProblem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }
}
