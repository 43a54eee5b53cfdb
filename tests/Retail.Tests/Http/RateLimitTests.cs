using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Retail.Common;
using Retail.Stock;

namespace Retail.Tests.Http;

[Collection(ApiCollection.Name)]
public sealed class RateLimitTests(ApiFactory api)
{
    private const int PermitsPerSecond = 5;
    private const string Setting = "Retail:RateLimit:PermitsPerSecond";

    [Fact]
    public async Task A_key_over_its_limit_gets_429_with_retry_after_other_keys_do_not_and_refused_calls_change_nothing()
    {
        var chain = new TestChain(api);
        var store = await chain.StoreAsync();
        var sku = await chain.SkuAsync();
        var configuration = (IConfigurationRoot)api.Services.GetRequiredService<IConfiguration>();
        var previous = configuration[Setting];
        HttpResponseMessage[] burst;
        HttpClient manager, other;
        try
        {
            // A reloaded configuration applies when a key first calls: these two new keys get the low limit, every earlier one keeps its own.
            configuration[Setting] = PermitsPerSecond.ToString();
            configuration.Reload();
            (_, _, manager) = await chain.KeyAsync("manager", storeIds: [store]);
            (_, _, other) = await chain.KeyAsync("manager", storeIds: [store]);
            burst = await Task.WhenAll(Enumerable.Range(0, 4 * PermitsPerSecond).Select(i =>
                manager.PostJson($"/api/v1/stores/{store}/stock/{sku}/movements", new { id = $"in-{i}", type = "goodsReceipt", quantity = 1 })));
        }
        finally
        {
            configuration[Setting] = previous;
            configuration.Reload();
        }
        var neighbour = await other.GetAsync($"/api/v1/stores/{store}/stock/{sku}");

        var limited = burst.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        var applied = burst.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.NotEmpty(limited);
        Assert.Equal(burst.Length, limited.Count + applied);
        foreach (var response in limited)
        {
            await response.AssertProblem(HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
            Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {response.Headers.RetryAfter}");
        }
        var level = await neighbour.ReadOk<StockLevel>();
        Assert.Equal((applied, (long)applied), (level.OnHand, level.Version));

        await Task.Delay(limited[0].Headers.RetryAfter!.Delta!.Value);
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).StatusCode);
    }
}
