using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Retail.Common;
using Retail.Integrations;
using Retail.Registers;
using Retail.Stock;
using Retail.Tests.Cluster;
using Retail.Tests.Http;

namespace Retail.Tests.Integrations;

/// <summary>
/// The embedded API on a clock set to 30 November 2025, the time of the protocol's published example (whose 20% VAT
/// was the standard rate until 2026), with callbacks allowed to loopback listeners; the register's fiscalization of web
/// shop receipts can be held back per register (<see cref="HeldFiscalization"/>) to see a report still waiting.
/// </summary>
public sealed class AtolApiFactory : ApiFactory
{
    public ManualClock Clock { get; } = new();

    public AtolApiFactory() => Clock.Advance(new DateTimeOffset(2025, 11, 30, 9, 0, 0, TimeSpan.Zero) - DateTimeOffset.UtcNow);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Retail:Webhooks:AllowPrivateTargets"] = "true",
        ["Retail:CloudRegister:OfdInn"] = "7704211201",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IIncomingGrainCallFilter, HeldFiscalization>();
        });
    }
}

/// <summary>
/// A register held here answers a web shop's receipt as if its database were away: before fiscalizing it, or
/// (<c>afterwards: true</c>) once it has fiscalized it, the answer lost on the way back.
/// </summary>
public sealed class HeldFiscalization : IIncomingGrainCallFilter
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Held = new();

    public static void Hold(string registerId, bool afterwards = false) => Held[GrainKeys.Register(registerId)] = afterwards;

    public static void Release(string registerId) => Held.TryRemove(GrainKeys.Register(registerId), out _);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var held = context.InterfaceMethod.Name == nameof(IRegisterGrain.FiscalizeAsync) && Held.TryGetValue(context.TargetId.Key.ToString()!, out var afterwards)
            && context.Request.GetArgument(0) is ReceiptInput { Id: var id } && id.StartsWith("cloud-", StringComparison.Ordinal)
            ? afterwards : (bool?)null;
        if (held == false)
            throw new DependencyUnavailableException("injected: the register's database is away");
        await context.Invoke();
        if (held == true)
            throw new DependencyUnavailableException("injected: the register's answer was lost after it fiscalized");
    }
}

[CollectionDefinition(Name)]
public sealed class AtolCollection : ICollectionFixture<AtolApiFactory>
{
    public const string Name = "atol";
}

/// <summary>
/// A shop plugin written for ATOL Online, pointed at us: getToken, sell, report, as its client reads them; every error
/// an object with the protocol's integer code; stock written off for the items that match a SKU.
/// </summary>
[Collection(AtolCollection.Name)]
public sealed partial class AtolApiTests(AtolApiFactory api)
{
    private const string StoreInn = "7707083893";
    private readonly TestChain chain = new(api);
    private HttpClient Admin => chain.Admin;

    [GeneratedRegex(@"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$")]
    private static partial Regex AtolTime();

    /// <summary>A web shop: a store, its emulated register (shift closed: the first receipt opens it), an integration key and its token.</summary>
    private async Task<(string Store, string Register, string Token, HttpClient Plugin)> ShopAsync()
    {
        var store = await chain.StoreAsync();
        var register = await chain.RegisterAsync(store, openShift: false);
        var (id, keyToken, _) = await chain.KeyAsync("integration", [store]);
        var plugin = api.CreateClient();
        var answer = await Json(await plugin.PostAsJsonAsync("/possystem/v4/getToken", new { login = id, pass = keyToken }), HttpStatusCode.OK);
        Assert.Null(answer["error"]);
        Assert.Matches(AtolTime(), (string)answer["timestamp"]!);
        var token = (string)answer["token"]!;
        plugin.DefaultRequestHeaders.Add("Token", token);
        return (store, register, token, plugin);
    }

    private async Task<string> SkuAsync(object definition)
    {
        var sku = TestChain.NewId("sku");
        (await Admin.PutJson($"/api/v1/skus/{sku}", definition)).EnsureSuccessStatusCode();
        return sku;
    }

    private async Task<decimal> OnHandAsync(string store, string sku) =>
        (await (await Admin.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).ReadOk<StockLevel>()).OnHand;

    private static async Task<JsonObject> Json(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>An error as the protocol's clients read it: an object with an integer code, on whatever status.</summary>
    private static async Task<JsonObject> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, int code)
    {
        var body = await Json(response, status);
        var error = body["error"]!.AsObject();
        Assert.Equal(JsonValueKind.Number, error["code"]!.GetValueKind());
        Assert.Equal(code, (int)error["code"]!);
        Assert.True(Guid.TryParse((string?)error["error_id"], out _));
        Assert.False(string.IsNullOrWhiteSpace((string?)error["text"]));
        Assert.Contains((string)error["type"]!, new[] { "system", "driver", "agent", "timeout", "unknown" });
        Assert.Matches(AtolTime(), (string)body["timestamp"]!);
        return body;
    }

    /// <summary>The v4 sell example of the protocol's documentation, as published; only the company's INN is the store's (we check it, as the protocol does).</summary>
    private static JsonObject V4Example(string externalId = "17052917561851307") => JsonNode.Parse($$$"""
        {"external_id":"{{{externalId}}}",
         "receipt":{"client":{"email":"kkt@kkt.ru"},
          "company":{"email":"chek@romashka.ru","sno":"osn","inn":"{{{StoreInn}}}","payment_address":"http://magazin.ru/"},
          "items":[{"name":"колбаса Клинский Брауншвейгская с/к в/с","price":1000.00,"quantity":0.3,"sum":300.00,
                    "measurement_unit":"кг","payment_method":"full_payment","payment_object":"commodity","vat":{"type":"vat20"}},
                   {"name":"яйцо Окское куриное С0 белое","price":100.00,"quantity":1.0,"sum":100.00,
                    "measurement_unit":"Упаковка 10 шт.","payment_method":"full_payment","payment_object":"commodity","vat":{"type":"vat10"}}],
          "payments":[{"type":1,"sum":400.0}],
          "vats":[{"type":"vat20","sum":50.0},{"type":"vat10","sum":9.09}],
          "total":400.0},
         "service":{"callback_url":"http://testtest"},
         "timestamp":"01.02.2017 13:45:00"}
        """)!.AsObject();

    private static void AssertDone(JsonObject report, string uuid, string register, decimal total)
    {
        Assert.Null(report["error"]);
        Assert.Equal(("done", uuid, register), ((string)report["status"]!, (string)report["uuid"]!, (string)report["group_code"]!));
        Assert.Matches(AtolTime(), (string)report["timestamp"]!);
        foreach (var field in new[] { "daemon_code", "device_code", "callback_url", "external_id" })
            Assert.NotNull(report[field]);
        var payload = report["payload"]!.AsObject();
        Assert.Equal(total, (decimal)payload["total"]!);
        Assert.Matches(@"^\d{16}$", (string)payload["fn_number"]!);
        Assert.Matches(@"^\d{16}$", (string)payload["ecr_registration_number"]!);
        Assert.Matches(AtolTime(), (string)payload["receipt_datetime"]!);
        Assert.True((int)payload["shift_number"]! >= 1);
        Assert.True((int)payload["fiscal_receipt_number"]! >= 1);
        Assert.True((long)payload["fiscal_document_number"]! >= 2);
        var sign = (long)payload["fiscal_document_attribute"]!;
        Assert.InRange(sign, 1, uint.MaxValue);
        Assert.Equal("www.nalog.gov.ru", (string)payload["fns_site"]!);
        Assert.Equal("7704211201", (string)payload["ofd_inn"]!);
        Assert.StartsWith("https://", (string)payload["ofd_receipt_url"]!);
    }

    [Fact]
    public async Task The_documented_v4_sell_goes_through_getToken_sell_and_report_to_done_with_every_payload_field()
    {
        var (store, register, _, plugin) = await ShopAsync();
        var (sausage, _) = await SausageInStockAsync(store);

        var sold = await Json(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/sell", V4Example()), HttpStatusCode.OK);
        Assert.Equal(("wait", null), ((string)sold["status"]!, sold["error"]));
        Assert.Matches(AtolTime(), (string)sold["timestamp"]!);
        var uuid = (string)sold["uuid"]!;
        Assert.True(Guid.TryParse(uuid, out _));

        var report = await Eventually.Until(async () => await Json(await plugin.GetAsync($"/possystem/v4/{register}/report/{uuid}"), HttpStatusCode.OK),
            r => (string?)r["status"] == "done");
        AssertDone(report, uuid, register, 400m);
        Assert.Equal("17052917561851307", (string)report["external_id"]!);
        // The sausage matched its SKU by the exact catalog name and was written off; the eggs matched nothing and are listed.
        Assert.Equal(9.7m, await OnHandAsync(store, sausage));
        Assert.Equal(new[] { 1 }, report["unmatched_items"]!.AsArray().Select(i => (int)i!));

        // The fiscal receipt is the register's, with the items' own names, sums and VAT, in the store's zone.
        var receipt = await (await Admin.GetAsync($"/api/v1/registers/{register}/receipts/{CloudReceipts.ReceiptId(uuid)}")).ReadOk<ReceiptDocument>();
        Assert.Equal(((long)report["payload"]!["fiscal_document_number"]!, 400m), (receipt.FiscalDocumentNumber, receipt.Total));
        Assert.Equal(new[] { "vat20:50.00", "vat10:9.09" }, receipt.Vat.Select(v => $"{v.Rate}:{v.Amount:0.00}"));
        Assert.Equal(("", "яйцо Окское куриное С0 белое"), (receipt.Items[1].Sku, receipt.Items[1].Name));
        Assert.Equal(receipt.DateTime.ToOffset(TimeSpan.FromHours(3)).ToString("dd.MM.yyyy HH:mm:ss"), (string)report["payload"]!["receipt_datetime"]!);

        // The same external id again is a replay: the same uuid, nothing fiscalized or written off twice.
        var again = await Json(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/sell", V4Example()), HttpStatusCode.OK);
        Assert.Equal(uuid, (string)again["uuid"]!);
        Assert.Equal(9.7m, await OnHandAsync(store, sausage));
        Assert.Equal(receipt.FiscalDocumentNumber, (await (await Admin.GetAsync($"/api/v1/registers/{register}")).ReadOk<RegisterView>()).LastFiscalDocumentNumber);

        // With other content it is the duplicate error, carrying the first receipt's uuid.
        var changed = V4Example();
        changed["receipt"]!["payments"]![0]!["type"] = 0;
        var duplicate = await ErrorAsync(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/sell", changed), HttpStatusCode.BadRequest, AtolProtocol.ExternalIdExists);
        Assert.Equal(uuid, (string)duplicate["uuid"]!);
    }

    [Fact]
    public async Task A_v5_sell_with_a_marked_item_matches_its_sku_by_the_gtin_and_a_refund_puts_it_back()
    {
        var (store, register, _, plugin) = await ShopAsync();
        var shoes = await SkuAsync(new { name = "Туфли", unit = "pcs", vat = "vat22", price = 1000, kind = "goods", marked = true, barcodes = new[] { "4601234567890" } });
        await chain.ReceiveAsync(store, shoes, 5);
        var code = Convert.ToBase64String(Encoding.UTF8.GetBytes("010460123456789021sgEKKPPcS25y5\u001d91EE06\u001d92YWCXbmK6SN8qvwN5ZAQFwg=="));
        JsonObject Body(string externalId) => JsonNode.Parse($$$"""
            {"external_id":"{{{externalId}}}","timestamp":"30.11.2025 12:05:31",
             "receipt":{"client":{"email":"client@client.ru"},
              "company":{"email":"chek@romashka.ru","sno":"osn","inn":"{{{StoreInn}}}","payment_address":"https://shop.example"},
              "items":[{"name":"Туфли","price":1000.0,"quantity":1.0,"measure":0,"sum":1000.0,
                        "payment_method":"full_payment","payment_object":33,"vat":{"type":"vat20"},
                        "mark_processing_mode":"0","mark_code":{"gs1m":"{{{code}}}"}}],
              "payments":[{"type":1,"sum":1000.0}],
              "vats":[{"type":"vat20","sum":166.67}],
              "total":1000.0}}
            """)!.AsObject();

        var sale = TestChain.NewId("ord");
        var uuid = (string)(await Json(await plugin.PostAsJsonAsync($"/possystem/v5/{register}/sell", Body(sale)), HttpStatusCode.OK))["uuid"]!;
        var report = await Json(await plugin.GetAsync($"/possystem/v5/{register}/report/{uuid}"), HttpStatusCode.OK);
        AssertDone(report, uuid, register, 1000m);
        Assert.Null(report["unmatched_items"]);
        Assert.Equal(4m, await OnHandAsync(store, shoes));

        // Selling the same unit again is refused by the drive: the report fails, and no stock moves.
        var twice = (string)(await Json(await plugin.PostAsJsonAsync($"/possystem/v5/{register}/sell", Body(TestChain.NewId("ord"))), HttpStatusCode.OK))["uuid"]!;
        var failed = await ErrorAsync(await plugin.GetAsync($"/possystem/v5/{register}/report/{twice}"), HttpStatusCode.OK, AtolProtocol.ProcessingFailed);
        Assert.Equal(("fail", null), ((string)failed["status"]!, failed["payload"]));
        Assert.Contains(ErrorCodes.MarkingCodeAlreadySold, (string)failed["error"]!["text"]!);
        Assert.Equal(4m, await OnHandAsync(store, shoes));

        var refund = (string)(await Json(await plugin.PostAsJsonAsync($"/possystem/v5/{register}/sell_refund", Body(TestChain.NewId("ret"))), HttpStatusCode.OK))["uuid"]!;
        AssertDone(await Json(await plugin.GetAsync($"/possystem/v5/{register}/report/{refund}"), HttpStatusCode.OK), refund, register, 1000m);
        Assert.Equal(5m, await OnHandAsync(store, shoes));
    }

    [Fact]
    public async Task A_correction_is_fiscalized_as_a_correction_receipt()
    {
        var (_, register, _, plugin) = await ShopAsync();
        var body = JsonNode.Parse($$$"""
            {"external_id":"{{{TestChain.NewId("cor")}}}","timestamp":"30.11.2025 12:05:31",
             "correction":{"company":{"sno":"osn","inn":"{{{StoreInn}}}","payment_address":"https://shop.example"},
              "correction_info":{"type":"self","base_date":"28.11.2025","base_number":"1175"},
              "payments":[{"type":1,"sum":250.0}],"vats":[{"type":"vat10","sum":22.73}]}}
            """)!;
        var uuid = (string)(await Json(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/sell_correction", body), HttpStatusCode.OK))["uuid"]!;
        AssertDone(await Json(await plugin.GetAsync($"/possystem/v4/{register}/report/{uuid}"), HttpStatusCode.OK), uuid, register, 250m);
        var receipt = await (await Admin.GetAsync($"/api/v1/registers/{register}/receipts/{CloudReceipts.ReceiptId(uuid)}")).ReadOk<ReceiptDocument>();
        Assert.Equal((31, "vat10:22.73"), (receipt.Form, $"{receipt.Vat[0].Rate}:{receipt.Vat[0].Amount:0.00}"));
    }

    [Fact]
    public async Task Each_error_is_an_object_with_the_protocols_integer_code_and_changes_nothing()
    {
        var (store, register, token, plugin) = await ShopAsync();
        var (keyId, _, _) = await chain.KeyAsync("integration", [store]);
        var anonymous = api.CreateClient();

        await ErrorAsync(await anonymous.PostAsJsonAsync("/possystem/v4/getToken", new { login = keyId, pass = "rtl_wrong" }), HttpStatusCode.Unauthorized, AtolProtocol.WrongLoginOrPassword);
        await ErrorAsync(await anonymous.PostAsJsonAsync("/possystem/v5/getToken", new { login = keyId }), HttpStatusCode.BadRequest, AtolProtocol.TokenRequestInvalid);
        await ErrorAsync(await anonymous.PostAsJsonAsync($"/possystem/v4/{register}/sell", V4Example()), HttpStatusCode.Unauthorized, AtolProtocol.MissingToken);
        var forged = new HttpRequestMessage(HttpMethod.Post, $"/possystem/v4/{register}/sell") { Content = JsonContent.Create(V4Example()) };
        forged.Headers.Add("Token", token[..^4] + "AAAA");
        await ErrorAsync(await anonymous.SendAsync(forged), HttpStatusCode.Unauthorized, AtolProtocol.MissingToken);

        var otherRegister = await chain.RegisterAsync(await chain.StoreAsync(), openShift: false);
        await ErrorAsync(await plugin.PostAsJsonAsync($"/possystem/v4/{otherRegister}/sell", V4Example()), HttpStatusCode.Unauthorized, AtolProtocol.GroupNotAllowed);
        await ErrorAsync(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/buy", V4Example()), HttpStatusCode.BadRequest, AtolProtocol.UnsupportedOperation);
        await ErrorAsync(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/buy_refund", V4Example()), HttpStatusCode.BadRequest, AtolProtocol.UnsupportedOperation);
        await ErrorAsync(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/give_away", V4Example()), HttpStatusCode.BadRequest, AtolProtocol.UnsupportedOperation);

        var noItems = V4Example(TestChain.NewId("x"));
        noItems["receipt"]!.AsObject().Remove("items");
        Assert.Contains("items", (string)(await ErrorAsync(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/sell", noItems), HttpStatusCode.BadRequest, AtolProtocol.InvalidReceipt))["error"]!["text"]!);
        var wrongTotal = V4Example(TestChain.NewId("x"));
        wrongTotal["receipt"]!["total"] = 401.0;
        await ErrorAsync(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/sell", wrongTotal), HttpStatusCode.BadRequest, AtolProtocol.InvalidReceipt);
        var wrongInn = V4Example(TestChain.NewId("x"));
        wrongInn["receipt"]!["company"]!["inn"] = "500100732259";
        await ErrorAsync(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/sell", wrongInn), HttpStatusCode.BadRequest, AtolProtocol.InvalidReceipt);
        var badTime = V4Example(TestChain.NewId("x"));
        badTime["timestamp"] = "2017-02-01T13:45:00";
        await ErrorAsync(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/sell", badTime), HttpStatusCode.BadRequest, AtolProtocol.InvalidReceipt);
        await ErrorAsync(await plugin.PostAsync($"/possystem/v4/{register}/sell", new StringContent("{\"external_id\":", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, AtolProtocol.BadRequest);
        await ErrorAsync(await plugin.PostAsync($"/possystem/v4/{register}/sell", new StringContent("external_id=1", Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType, AtolProtocol.UnsupportedMediaType);
        await ErrorAsync(await plugin.GetAsync($"/possystem/v4/{register}/report/{Guid.NewGuid()}"), HttpStatusCode.BadRequest, AtolProtocol.UnknownUuid);
        await ErrorAsync(await plugin.GetAsync($"/possystem/v4/{register}/report/not-a-uuid"), HttpStatusCode.BadRequest, AtolProtocol.UnknownUuid);

        // None of them fiscalized anything: the register has only its registration report.
        Assert.Equal(1, (await (await Admin.GetAsync($"/api/v1/registers/{register}")).ReadOk<RegisterView>()).LastFiscalDocumentNumber);

        // A token past its 24 hours.
        api.Clock.Advance(TimeSpan.FromHours(25));
        try
        {
            await ErrorAsync(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/sell", V4Example()), HttpStatusCode.Unauthorized, AtolProtocol.ExpiredToken);
        }
        finally
        {
            api.Clock.Advance(TimeSpan.FromHours(-25));
        }
    }

    [Fact]
    public async Task A_receipt_whose_register_is_away_reports_34_wait_until_it_is_fiscalized_once_and_its_callback_gets_the_report()
    {
        var (store, register, _, plugin) = await ShopAsync();
        var (sausage, _) = await SausageInStockAsync(store);
        await using var callback = new WebhookReceiver();
        await callback.StartAsync();
        var body = V4Example(TestChain.NewId("ord"));
        body["service"]!["callback_url"] = callback.Url;

        HeldFiscalization.Hold(register);
        string uuid;
        try
        {
            var sold = await Json(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/sell", body), HttpStatusCode.OK);
            Assert.Equal(("wait", null), ((string)sold["status"]!, sold["error"]));
            uuid = (string)sold["uuid"]!;
            var waiting = await ErrorAsync(await plugin.GetAsync($"/possystem/v4/{register}/report/{uuid}"), HttpStatusCode.OK, AtolProtocol.StillWaiting);
            Assert.Equal(("wait", null), ((string)waiting["status"]!, waiting["payload"]));
            // A plugin that resends meanwhile gets the same uuid.
            Assert.Equal(uuid, (string)(await Json(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/sell", body), HttpStatusCode.OK))["uuid"]!);
            Assert.Equal(10m, await OnHandAsync(store, sausage));
            Assert.Empty(callback.Received);
        }
        finally
        {
            HeldFiscalization.Release(register);
        }

        // The next report (or the reminder) fiscalizes it, once.
        AssertDone(await Json(await plugin.GetAsync($"/possystem/v4/{register}/report/{uuid}"), HttpStatusCode.OK), uuid, register, 400m);
        AssertDone(await Json(await plugin.GetAsync($"/possystem/v4/{register}/report/{uuid}"), HttpStatusCode.OK), uuid, register, 400m);
        Assert.Equal(9.7m, await OnHandAsync(store, sausage));
        var called = await Eventually.Until(() => Task.FromResult(callback.Received.ToList()), r => r.Count > 0);
        var report = JsonNode.Parse(Assert.Single(called).Body)!.AsObject();
        AssertDone(report, uuid, register, 400m);
        Assert.Equal(callback.Url, (string)report["callback_url"]!);
    }

    [Fact]
    public async Task Items_no_sku_matched_are_announced_to_subscribers_as_stock_unmatched_once()
    {
        var (store, register, _, plugin) = await ShopAsync();
        var (_, _, crm) = await chain.KeyAsync("integration", [store]);
        await using var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        (await crm.PostJson("/api/v1/webhooks", new { url = receiver.Url, events = new[] { WebhookEventTypes.StockUnmatched }, secret = "shop-shared-secret-1234" }))
            .EnsureSuccessStatusCode();

        // The eggs are in no catalog (the sausage may be, from another test of this chain): fiscalized, and announced once.
        var body = V4Example(TestChain.NewId("ord"));
        var uuid = (string)(await Json(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/sell", body), HttpStatusCode.OK))["uuid"]!;
        await Json(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/sell", body), HttpStatusCode.OK);

        await Eventually.Until(() => Task.FromResult(receiver.Received.Count), count => count >= 1);
        var unmatched = Assert.Single(receiver.Received);
        Assert.Equal((WebhookEventTypes.StockUnmatched, uuid, store), (unmatched.Json.GetProperty("type").GetString(),
            unmatched.Data.GetProperty("uuid").GetString(), unmatched.Data.GetProperty("storeId").GetString()));
        var items = unmatched.Data.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(items, i => i.GetProperty("position").GetInt32() == 1 && i.GetProperty("name").GetString() == "яйцо Окское куриное С0 белое");
        Assert.True(WebhookSignature.Verify("shop-shared-secret-1234", unmatched.Timestamp, unmatched.Body, unmatched.Signature!));
    }

    /// <summary>The sausage of the protocol's example, 10 kg of it in the store, and how much is on hand before the test sells any.</summary>
    private async Task<(string Sku, decimal OnHand)> SausageInStockAsync(string store)
    {
        var sausage = await SkuAsync(new { name = "колбаса Клинский Брауншвейгская с/к в/с", unit = "kg", vat = "vat22", price = 1000, kind = "goods" });
        await chain.ReceiveAsync(store, sausage, 10);
        return (sausage, await OnHandAsync(store, sausage));
    }

    [Fact]
    public async Task A_receipt_whose_answer_was_lost_after_the_register_fiscalized_it_is_not_fiscalized_twice()
    {
        var (store, register, _, plugin) = await ShopAsync();
        var (sausage, before) = await SausageInStockAsync(store);
        var body = V4Example(TestChain.NewId("ord"));
        // The shift is open, so the first attempt fiscalizes the receipt at once, and only its answer is lost.
        (await Admin.PostJson($"/api/v1/registers/{register}/shifts/open", new { cashier = new { name = "Online" } })).EnsureSuccessStatusCode();

        HeldFiscalization.Hold(register, afterwards: true);
        string uuid;
        try
        {
            uuid = (string)(await Json(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/sell", body), HttpStatusCode.OK))["uuid"]!;
            // Asked again while answers are still lost: the register answers from its journal, and that answer is lost too.
            await ErrorAsync(await plugin.GetAsync($"/possystem/v4/{register}/report/{uuid}"), HttpStatusCode.OK, AtolProtocol.StillWaiting);
        }
        finally
        {
            HeldFiscalization.Release(register);
        }

        var report = await Json(await plugin.GetAsync($"/possystem/v4/{register}/report/{uuid}"), HttpStatusCode.OK);
        AssertDone(report, uuid, register, 400m);
        // One receipt: the registration report, the shift's opening, and this receipt.
        var view = await (await Admin.GetAsync($"/api/v1/registers/{register}")).ReadOk<RegisterView>();
        Assert.Equal(((long)report["payload"]!["fiscal_document_number"]!, 1), (view.LastFiscalDocumentNumber, view.Shift.ReceiptCount));
        Assert.Equal(before - 0.3m, await OnHandAsync(store, sausage));
    }

    [Fact]
    public async Task The_same_receipt_sent_many_times_at_once_is_one_receipt()
    {
        var (store, register, _, plugin) = await ShopAsync();
        var (sausage, before) = await SausageInStockAsync(store);
        var body = V4Example(TestChain.NewId("ord"));

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            await Json(await plugin.PostAsJsonAsync($"/possystem/v4/{register}/sell", body), HttpStatusCode.OK)));

        var uuid = Assert.Single(answers.Select(a => (string)a["uuid"]!).Distinct());
        AssertDone(await Json(await plugin.GetAsync($"/possystem/v4/{register}/report/{uuid}"), HttpStatusCode.OK), uuid, register, 400m);
        Assert.Equal(1, (await (await Admin.GetAsync($"/api/v1/registers/{register}")).ReadOk<RegisterView>()).Shift.ReceiptCount);
        Assert.Equal(before - 0.3m, await OnHandAsync(store, sausage));
    }

    [Fact]
    public async Task Revoking_the_integration_key_ends_its_tokens()
    {
        var store = await chain.StoreAsync();
        var register = await chain.RegisterAsync(store, openShift: false);
        var (id, keyToken, _) = await chain.KeyAsync("integration", [store]);
        var plugin = api.CreateClient();
        var token = (string)(await Json(await plugin.PostAsJsonAsync("/possystem/v5/getToken", new { login = id, pass = keyToken }), HttpStatusCode.OK))["token"]!;
        plugin.DefaultRequestHeaders.Add("Token", token);
        await ErrorAsync(await plugin.GetAsync($"/possystem/v5/{register}/report/{Guid.NewGuid()}"), HttpStatusCode.BadRequest, AtolProtocol.UnknownUuid);

        (await Admin.DeleteAsync($"/api/v1/api-keys/{id}")).EnsureSuccessStatusCode();

        await ErrorAsync(await plugin.GetAsync($"/possystem/v5/{register}/report/{Guid.NewGuid()}"), HttpStatusCode.Unauthorized, AtolProtocol.MissingToken);
        await ErrorAsync(await plugin.PostAsJsonAsync("/possystem/v5/getToken", new { login = id, pass = keyToken }), HttpStatusCode.Unauthorized, AtolProtocol.WrongLoginOrPassword);
    }
}
