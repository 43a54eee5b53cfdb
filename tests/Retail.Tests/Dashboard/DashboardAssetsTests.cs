using System.Net;
using System.Text.RegularExpressions;
using Retail.Tests.Http;

namespace Retail.Tests.Dashboard;

/// <summary>How the dashboard's files are served: from the API itself, cached by version, small.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class DashboardAssetsTests(ApiFactory api, Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly TestChain chain = new(api);

    [GeneratedRegex("(?:href|src)=\"(/assets/[^\"]+)\"")]
    private static partial Regex AssetReference();

    [GeneratedRegex("""from '\.{1,2}/([^']+)'""")]
    private static partial Regex ModuleImport();

    [Fact]
    public async Task The_page_is_revalidated_its_versioned_assets_kept_and_the_first_view_is_under_200_KB()
    {
        using var client = api.CreateClient();
        using var index = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        Assert.True(index.Headers.CacheControl?.NoCache, "index.html must be revalidated");
        Assert.Contains("script-src 'self'", index.Headers.GetValues("Content-Security-Policy").Single());
        var html = await index.Content.ReadAsStringAsync();
        var total = (long)html.Length;

        // Everything the first view loads: the page's own references and every module they import, once each.
        var pending = new Queue<string>(AssetReference().Matches(html).Select(m => m.Groups[1].Value));
        var loaded = new HashSet<string>();
        while (pending.TryDequeue(out var path))
        {
            if (!loaded.Add(path))
                continue;
            using var asset = await client.GetAsync(path);
            Assert.True(asset.StatusCode == HttpStatusCode.OK, $"{path}: {asset.StatusCode}");
            Assert.True(asset.Headers.CacheControl?.MaxAge >= TimeSpan.FromDays(365), $"{path} is not kept long");
            var body = await asset.Content.ReadAsByteArrayAsync();
            total += body.Length;
            if (path.EndsWith(".js", StringComparison.Ordinal))
            {
                var folder = path[..(path.LastIndexOf('/') + 1)];
                foreach (Match import in ModuleImport().Matches(System.Text.Encoding.UTF8.GetString(body)))
                    pending.Enqueue(new Uri(new Uri("http://x" + folder), import.Value[(import.Value.IndexOf('\'') + 1)..^1]).AbsolutePath);
            }
        }
        Assert.Contains(loaded, p => p.EndsWith("/views/store.js", StringComparison.Ordinal));
        output.WriteLine($"first view: {loaded.Count + 1} files, {total} bytes ({total / 1024.0:F1} KB)");
        Assert.True(total < 200 * 1024, $"The first view is {total} bytes");

        using var again = new HttpRequestMessage(HttpMethod.Get, "/");
        again.Headers.IfNoneMatch.Add(index.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/assets/x/none.js")).StatusCode);
    }

    [Fact]
    public async Task The_caller_endpoint_names_only_the_stores_a_key_may_read()
    {
        var (mine, other) = (await chain.StoreAsync(), await chain.StoreAsync());
        var (_, _, manager) = await chain.KeyAsync("manager", storeIds: [mine]);
        var me = await (await manager.GetAsync("/api/v1/me")).ReadOk<System.Text.Json.JsonElement>();
        Assert.Equal("manager", me.GetProperty("role").GetString());
        Assert.Equal([mine], me.GetProperty("stores").EnumerateArray().Select(s => s.GetProperty("storeId").GetString()));

        var register = await chain.RegisterAsync(other);
        var (_, _, cashier) = await chain.KeyAsync("cashier", registerIds: [register]);
        me = await (await cashier.GetAsync("/api/v1/me")).ReadOk<System.Text.Json.JsonElement>();
        Assert.Equal([other], me.GetProperty("stores").EnumerateArray().Select(s => s.GetProperty("storeId").GetString()));
        Assert.Equal([register], me.GetProperty("registerIds").EnumerateArray().Select(s => s.GetString()));

        var admin = await (await chain.Admin.GetAsync("/api/v1/me")).ReadOk<System.Text.Json.JsonElement>();
        Assert.Contains(admin.GetProperty("stores").EnumerateArray(), s => s.GetProperty("storeId").GetString() == mine);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.CreateClient().GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_receipt_QR_code_is_a_PNG_for_its_register_s_cashier_only()
    {
        var store = await chain.StoreAsync();
        var sku = await chain.SkuAsync();
        await chain.ReceiveAsync(store, sku, 2);
        var (register, elsewhere) = (await chain.RegisterAsync(store), await chain.RegisterAsync(store));
        using var sold = await chain.Admin.PostJson($"/api/v1/registers/{register}/receipts", TestChain.Sale("qr-1", sku));
        Assert.Equal(HttpStatusCode.Created, sold.StatusCode);
        var (_, _, cashier) = await chain.KeyAsync("cashier", registerIds: [register]);
        var (_, _, otherCashier) = await chain.KeyAsync("cashier", registerIds: [elsewhere]);
        var (_, _, manager) = await chain.KeyAsync("manager", storeIds: [store]);

        using var png = await cashier.GetAsync($"/api/v1/registers/{register}/receipts/qr-1/qr.png");
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await png.Content.ReadAsByteArrayAsync())[..4]);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherCashier.GetAsync($"/api/v1/registers/{register}/receipts/qr-1/qr.png")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync($"/api/v1/registers/{register}/receipts/qr-1/qr.png")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cashier.GetAsync($"/api/v1/registers/{register}/receipts/none/qr.png")).StatusCode);
    }
}
