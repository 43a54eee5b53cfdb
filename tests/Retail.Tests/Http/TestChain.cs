using System.Text.Json;

namespace Retail.Tests.Http;

/// <summary>Stores, SKUs, registers and API keys of one test, made through the API with the admin token.</summary>
public sealed class TestChain(ApiFactory api)
{
    public HttpClient Admin { get; } = api.Admin();

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public async Task<string> StoreAsync()
    {
        var store = NewId("st");
        await SetUpAsync(() => Admin.PutJson($"/api/v1/stores/{store}", new { name = "Store", address = "Moscow", timeZone = "Europe/Moscow", inn = "7707083893", taxationSystem = "osn" }));
        return store;
    }

    public async Task<string> SkuAsync()
    {
        var sku = NewId("sku");
        await SetUpAsync(() => Admin.PutJson($"/api/v1/skus/{sku}", new { name = "Kefir", unit = "pcs", vat = "vat22", price = 100, kind = "goods" }));
        return sku;
    }

    public Task ReceiveAsync(string store, string sku, decimal quantity)
    {
        var id = NewId("in");
        return SetUpAsync(() => Admin.PostJson($"/api/v1/stores/{store}/stock/{sku}/movements", new { id, type = "goodsReceipt", quantity }));
    }

    public async Task<string> RegisterAsync(string store, bool openShift = true)
    {
        var register = NewId("till");
        await SetUpAsync(() => Admin.PutJson($"/api/v1/registers/{register}", new { storeId = store }));
        if (openShift)
            await SetUpAsync(() => Admin.PostJson($"/api/v1/registers/{register}/shifts/open", new { cashier = new { name = "Ivanova" } }));
        return register;
    }

    /// <summary>
    /// A setup call, retried as a client retries a 503 with Retry-After (a database slow to answer while a
    /// busy test run starts its host); a 503 changed nothing, so the retry is safe. Anything else must succeed.
    /// </summary>
    private static async Task SetUpAsync(Func<Task<HttpResponseMessage>> send)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await send();
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt == 10)
            {
                response.EnsureSuccessStatusCode();
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>Issues a key; returns its id, its token and a client that sends it.</summary>
    public async Task<(string Id, string Token, HttpClient Client)> KeyAsync(string role, string[]? storeIds = null, string[]? registerIds = null)
    {
        var issued = await (await Admin.PostJson("/api/v1/api-keys", new { role, storeIds, registerIds })).ReadOk<JsonElement>(System.Net.HttpStatusCode.Created);
        var token = issued.GetProperty("token").GetString()!;
        return (issued.GetProperty("id").GetString()!, token, api.WithToken(token));
    }

    public static object Sale(string id, string sku, decimal quantity = 1, decimal price = 100) => new
    {
        id, operation = "sell",
        items = new[] { new { sku, quantity, price } },
        payments = new[] { new { type = "cash", amount = quantity * price } },
    };
}
