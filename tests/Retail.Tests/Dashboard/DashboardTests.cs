using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Retail.Tests.Http;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Retail.Tests.Dashboard;

/// <summary>The dashboard in a real headless Chromium against the API on a real port.</summary>
public sealed class DashboardTests(DashboardServer server, ITestOutputHelper output) : IClassFixture<DashboardServer>
{
    private readonly TestChain chain = new(server);

    private async Task<string> StoreAsync(string name)
    {
        var store = TestChain.NewId("st");
        using var response = await chain.Admin.PutJson($"/api/v1/stores/{store}",
            new { name, address = "Москва, Тверская, 1", timeZone = "Europe/Moscow", inn = "7707083893", taxationSystem = "osn" });
        response.EnsureSuccessStatusCode();
        return store;
    }

    private async Task<JsonElement> SellAsync(string register, string sku, decimal price = 100)
    {
        using var response = await chain.Admin.PostJson($"/api/v1/registers/{register}/receipts", TestChain.Sale(TestChain.NewId("r"), sku, price: price));
        return await response.ReadOk<JsonElement>(HttpStatusCode.Created);
    }

    private static ILocator Row(IPage page, string sku) => page.Locator($"#stock-table tbody tr[data-sku='{sku}']");

    private void Print(IEnumerable<string> paths)
    {
        foreach (var path in paths)
            output.WriteLine($"screenshot: {path}");
    }

    [Fact]
    public async Task A_sale_changes_its_row_live_within_a_second_and_shows_on_the_hourly_chart()
    {
        var store = await StoreAsync("Магазин на Тверской");
        var (milk, bread) = (await chain.SkuAsync(), await chain.SkuAsync());
        await chain.ReceiveAsync(store, milk, 10);
        await chain.ReceiveAsync(store, bread, 1);
        var register = await chain.RegisterAsync(store);
        var (_, token, _) = await chain.KeyAsync("manager", storeIds: [store]);

        var page = await server.OpenAsync();
        await DashboardServer.SignInAsync(page, token, $"#/store/{store}");
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-live", "on");
        await Expect(Row(page, milk).Locator("td.onHand")).ToHaveTextAsync("10");
        // The store's register is listed with its shift, for its manager too.
        await Expect(page.Locator("main")).ToContainTextAsync(register);
        await page.EvaluateAsync("() => { window.sameDocument = true; }");

        await SellAsync(register, milk);
        var seen = Stopwatch.StartNew();
        await Expect(Row(page, milk).Locator("td.onHand")).ToHaveTextAsync("9", new() { Timeout = 1000 });
        await Expect(Row(page, milk)).ToHaveClassAsync(new Regex(@"\bflash\b"), new() { Timeout = 1000 });
        output.WriteLine($"row changed {seen.ElapsedMilliseconds} ms after the receipt was acknowledged");
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "The page was reloaded.");

        // Selling the last loaf makes a negative row after a second sale: highlighted live too.
        await SellAsync(register, bread);
        await SellAsync(register, bread);
        await Expect(Row(page, bread)).ToHaveClassAsync(new Regex(@"\bneg\b"), new() { Timeout = 1000 });
        Print(await DashboardServer.ScreenshotsAsync(page, "store"));

        // Analytics are fed by a stream: wait until the API counts all three sales, then the page must chart them.
        await Eventually.Until(
            async () => await (await chain.Admin.GetAsync($"/api/v1/analytics/stores/{store}/sales?bucket=hour")).ReadOk<JsonElement>(),
            report => report.GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("revenue").GetDecimal()) == 300m, seconds: 30);
        await page.GotoAsync($"/#/chain");
        var chart = page.Locator("svg.hourly");
        await Expect(chart).ToHaveAttributeAsync("data-total", "300");
        await Expect(chart.Locator("rect.bar[data-revenue='300']")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-kpi='receipts']")).ToContainTextAsync("3");
        await Expect(page.Locator("[data-kpi='revenue']")).ToContainTextAsync("300,00");
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "Changing views reloaded the page.");
        // The chart is drawn again, narrower, for a phone.
        Print(await DashboardServer.ScreenshotsAsync(page, "chain",
            width => Expect(page.Locator($"svg.hourly[data-width='{(width < 600 ? 420 : 720)}'][data-total='300']")).ToBeVisibleAsync()));
    }

    [Fact]
    public async Task A_key_of_one_store_sees_no_other_store_in_the_page_nor_by_editing_the_address()
    {
        var mine = await StoreAsync("Свой магазин");
        var other = await StoreAsync("Чужой магазин");
        var sku = await chain.SkuAsync();
        await chain.ReceiveAsync(other, sku, 7);
        var (_, token, _) = await chain.KeyAsync("manager", storeIds: [mine]);

        var page = await server.OpenAsync();
        var asked = new List<string>();
        page.Request += (_, request) => asked.Add(request.Url);
        await DashboardServer.SignInAsync(page, token, $"#/store/{mine}");
        await Expect(page.Locator("#store-pick option")).ToHaveCountAsync(1);
        await Expect(page.Locator("#store-pick option")).ToHaveAttributeAsync("value", mine);

        await page.GotoAsync($"/#/store/{other}");
        await Expect(page.Locator("#no-access")).ToContainTextAsync($"Нет доступа к магазину «{other}»");
        await Expect(page.Locator("#stock-table")).ToHaveCountAsync(0);
        await page.GotoAsync($"/#/sku/{sku}");
        await Expect(page.Locator("main table").First).ToBeVisibleAsync();
        await page.GotoAsync("/#/chain");
        await Expect(page.Locator("svg.hourly")).ToBeVisibleAsync();

        Assert.DoesNotContain("Чужой магазин", await page.Locator("body").InnerTextAsync());
        Assert.DoesNotContain(asked, url => url.Contains(other, StringComparison.Ordinal));
        Print(await DashboardServer.ScreenshotsAsync(page, "chain-one-store",
            width => Expect(page.Locator($"svg.hourly[data-width='{(width < 600 ? 420 : 720)}']")).ToBeVisibleAsync()));
        await page.GotoAsync($"/#/store/{other}");
        await Expect(page.Locator("#no-access")).ToBeVisibleAsync();
        Print(await DashboardServer.ScreenshotsAsync(page, "no-access"));
    }

    [Fact]
    public async Task A_cashier_sees_its_store_and_receipts_with_their_QR_code_but_no_procurement()
    {
        var store = await StoreAsync("Магазин у дома");
        var sku = await chain.SkuAsync();
        await chain.ReceiveAsync(store, sku, 5);
        var register = await chain.RegisterAsync(store);
        var receipt = await SellAsync(register, sku, price: 1234.5m);
        var (_, token, _) = await chain.KeyAsync("cashier", registerIds: [register]);

        var page = await server.OpenAsync();
        var asked = new List<string>();
        page.Request += (_, request) => asked.Add(request.Url);
        await DashboardServer.SignInAsync(page, token, $"#/store/{store}");
        await Expect(Row(page, sku).Locator("td.onHand")).ToHaveTextAsync("4");
        await Expect(page.Locator("main")).ToContainTextAsync(register);
        await Expect(page.Locator("#procurement")).ToHaveCountAsync(0);
        await Expect(page.GetByText("Предложения к закупке")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Создать черновик заказа" })).ToHaveCountAsync(0);
        Assert.DoesNotContain(asked, url => url.Contains("/procurement/", StringComparison.Ordinal));

        await page.GotoAsync($"/#/receipt/{register}/{receipt.GetProperty("id").GetString()}");
        var shown = page.Locator("#receipt");
        await Expect(shown).ToContainTextAsync("Кассовый чек. Приход");
        await Expect(shown).ToContainTextAsync("1\u00a0234,50\u00a0₽");
        await Expect(shown).ToContainTextAsync(receipt.GetProperty("fnSerial").GetString()!);
        var qr = shown.GetByRole(AriaRole.Img, new() { Name = "QR-код чека для проверки в ФНС" });
        await Expect(qr).ToHaveJSPropertyAsync("complete", true);
        Assert.True(await qr.EvaluateAsync<int>("img => img.naturalWidth") > 100, "The QR image did not load.");
        Print(await DashboardServer.ScreenshotsAsync(page, "receipt"));
    }

    [Fact]
    public async Task A_manager_makes_a_draft_purchase_order_from_the_suggestions_and_switches_to_English()
    {
        var store = await StoreAsync("Склад");
        var sku = await chain.SkuAsync();
        await chain.ReceiveAsync(store, sku, 5);
        var register = await chain.RegisterAsync(store);
        await SellAsync(register, sku);
        await SellAsync(register, sku);
        var (_, token, _) = await chain.KeyAsync("manager", storeIds: [store]);
        await Eventually.Until(
            async () => await (await chain.Admin.GetAsync($"/api/v1/analytics/stores/{store}/skus/{sku}/daily?days=7")).ReadOk<JsonElement>(),
            curve => curve.GetProperty("days").EnumerateArray().Sum(d => d.GetProperty("units").GetDecimal()) == 2m, seconds: 30);
        var page = await server.OpenAsync();
        await DashboardServer.SignInAsync(page, token, $"#/store/{store}");
        await page.GetByLabel("Поставщик").FillAsync("ООО Молоко");
        await page.GetByRole(AriaRole.Button, new() { Name = "Создать черновик заказа" }).ClickAsync();
        // A store with no demand has nothing to order: the answer is shown either way, never silently dropped.
        await Expect(page.Locator("#po-result")).Not.ToBeEmptyAsync();

        await page.GetByLabel("Язык").SelectOptionAsync("en");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Purchase suggestions" })).ToBeVisibleAsync();
        await page.GotoAsync($"/#/sku/{sku}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Stock across the chain" })).ToBeVisibleAsync();
        // Its daily sales curve has the two sales today, and the forecast days after it.
        await Expect(page.Locator("svg.daily")).ToHaveAttributeAsync("data-sold", "2");
        await Expect(page.Locator("svg.daily rect.bar.forecast")).ToHaveCountAsync(7);
        Print(await DashboardServer.ScreenshotsAsync(page, "sku-english"));
    }

    [Fact]
    public async Task Every_view_has_no_serious_or_critical_accessibility_violations()
    {
        var axe = AxeScript();
        var store = await StoreAsync("Магазин для проверки");
        var sku = await chain.SkuAsync();
        await chain.ReceiveAsync(store, sku, 3);
        var register = await chain.RegisterAsync(store);
        var receipt = (await SellAsync(register, sku)).GetProperty("id").GetString();

        // axe is injected as an inline script, which the page's own policy forbids: this tab waives it.
        var page = await server.OpenAsync(bypassCsp: true);
        var routes = new (string Name, string Route, string Ready)[]
        {
            ("chain", "#/chain", "svg.hourly"),
            ("store", $"#/store/{store}", "section[data-ready]"),
            ("sku", $"#/sku/{sku}", "main table"),
            ("receipt", $"#/receipt/{register}/{receipt}", "#receipt img.qr[src]"),
            ("ops", "#/ops", "main a[href='/metrics']"),
        };
        await page.GotoAsync("/");
        var failures = new List<string>();
        failures.AddRange(await AuditAsync(page, axe, "sign-in"));
        await DashboardServer.SignInAsync(page, ApiFactory.AdminToken);
        foreach (var (name, route, ready) in routes)
        {
            foreach (var width in new[] { 1280, 360 })
            {
                await page.SetViewportSizeAsync(width, 900);
                await page.GotoAsync("/" + route);
                await Expect(page.Locator(ready).First).ToBeVisibleAsync();
                failures.AddRange(await AuditAsync(page, axe, $"{name} at {width} px"));
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static async Task<IEnumerable<string>> AuditAsync(IPage page, string axe, string view)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
            await page.AddScriptTagAsync(new() { Content = axe });
        // Let the flash of a changed row end, so colours are checked as they stay.
        await page.EvaluateAsync("() => Promise.all(document.getAnimations().map(a => a.finished.catch(() => {})))");
        var result = await page.EvaluateAsync<JsonElement>(
            "async () => { const r = await axe.run(document); return { passed: r.passes.length, violations: r.violations" +
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')" +
            ".map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5) })) }; }");
        // A run that checked nothing would pass anything.
        Assert.True(result.GetProperty("passed").GetInt32() > 5, $"{view}: axe checked almost nothing");
        return result.GetProperty("violations").EnumerateArray()
            .Select(v => $"{view}: {v.GetProperty("impact")} {v.GetProperty("id")} ({v.GetProperty("help")}) at {v.GetProperty("targets")}").ToList();
    }

    /// <summary>axe-core from the npm package of this folder (npm ci in tests/Retail.Tests/Dashboard; .ci/run does it).</summary>
    private static string AxeScript()
    {
        BrowserTools.EnsureInstalled();
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var path = Path.Combine(folder.FullName, "tests", "Retail.Tests", "Dashboard", "node_modules", "axe-core", "axe.min.js");
            if (File.Exists(path))
                return File.ReadAllText(path);
        }
        throw new InvalidOperationException("axe-core is not installed: run 'npm ci' in tests/Retail.Tests/Dashboard.");
    }
}
