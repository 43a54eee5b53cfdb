using System.Net;
using System.Text.Json;
using Retail.Api.Registers;
using Retail.Common;
using Retail.Registers.Fiscal;
using Retail.Stock;

namespace Retail.Tests.Http;

[Collection(ApiCollection.Name)]
public sealed class RegistersApiTests(ApiFactory api)
{
    private readonly HttpClient client = api.Admin();

    private async Task<(string Store, string Register)> OpenedRegisterAsync(bool openShift = true)
    {
        var store = $"st-{Guid.NewGuid():N}"[..14];
        var register = $"till-{Guid.NewGuid():N}"[..14];
        (await client.PutJson($"/api/v1/stores/{store}", new { name = "Store", address = "Kazan", timeZone = "Europe/Moscow", inn = "7707083893", taxationSystem = "osn" })).EnsureSuccessStatusCode();
        foreach (var (sku, marked) in new[] { ("kefir", false), ("boots", true) })
            (await client.PutJson($"/api/v1/skus/{sku}", new { name = sku, unit = "pcs", vat = "vat22", price = 100, kind = "goods", marked })).EnsureSuccessStatusCode();
        (await client.PutJson($"/api/v1/skus/cheese", new { name = "Cheese", unit = "kg", vat = "vat10", price = 899.90m, kind = "goods" })).EnsureSuccessStatusCode();
        (await client.PostJson($"/api/v1/stores/{store}/stock/kefir/movements", new { id = "in", type = "goodsReceipt", quantity = 20 })).EnsureSuccessStatusCode();
        (await client.PostJson($"/api/v1/stores/{store}/stock/cheese/movements", new { id = "in", type = "goodsReceipt", quantity = 5 })).EnsureSuccessStatusCode();
        (await client.PutJson($"/api/v1/registers/{register}", new { storeId = store })).EnsureSuccessStatusCode();
        if (openShift)
            (await client.PostJson($"/api/v1/registers/{register}/shifts/open", new { cashier = new { name = "Ivanova" } })).EnsureSuccessStatusCode();
        return (store, register);
    }

    private async Task<decimal> OnHand(string store, string sku) =>
        (await (await client.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).ReadOk<StockLevel>()).OnHand;

    private async Task<long> LastFd(string register) =>
        (await (await client.GetAsync($"/api/v1/registers/{register}")).ReadOk<JsonElement>()).GetProperty("lastFiscalDocumentNumber").GetInt64();

    [Fact]
    public async Task A_cashiers_day_shift_sell_refund_close_keeps_stock_exact()
    {
        var (store, register) = await OpenedRegisterAsync();
        var registered = await (await client.GetAsync($"/api/v1/registers/{register}")).ReadOk<JsonElement>();
        Assert.Matches("^[0-9]{16}$", registered.GetProperty("fnSerial").GetString()!);
        Assert.Matches("^[0-9]{16}$", registered.GetProperty("registrationNumber").GetString()!);
        Assert.True(registered.GetProperty("shift").GetProperty("isOpen").GetBoolean());

        var sale = new
        {
            id = "sale-1", operation = "sell",
            items = new object[] { new { sku = "kefir", quantity = 3, price = 79.90m }, new { sku = "cheese", quantity = 0.357m, price = 899.90m } },
            payments = new[] { new { type = "cash", amount = 600m } },
            customer = new { email = "buyer@example.ru" },
        };
        var sold = await client.PostJson($"/api/v1/registers/{register}/receipts", sale);
        var receipt = await sold.ReadOk<JsonElement>(HttpStatusCode.Created);
        var retried = await (await client.PostJson($"/api/v1/registers/{register}/receipts", sale)).ReadOk<JsonElement>(HttpStatusCode.OK);
        var read = await (await client.GetAsync($"/api/v1/registers/{register}/receipts/sale-1")).ReadOk<JsonElement>();

        // 3 x 79.90 = 239.70; 0.357 x 899.90 = 321.26 (321.2643 rounded); total 560.96, change 39.04.
        Assert.Equal(560.96m, receipt.GetProperty("total").GetDecimal());
        Assert.Equal(3, receipt.GetProperty("fiscalDocumentNumber").GetInt64());
        Assert.Equal((1, 1), (receipt.GetProperty("shiftNumber").GetInt32(), receipt.GetProperty("receiptNumber").GetInt32()));
        Assert.Equal(JsonValueKind.Number, receipt.GetProperty("fiscalSign").ValueKind);
        var vat = receipt.GetProperty("vat").EnumerateArray().ToDictionary(v => v.GetProperty("rate").GetString()!, v => v.GetProperty("amount").GetDecimal());
        Assert.Equal(43.22m, vat["vat22"]);   // 239.70 x 22 / 122
        Assert.Equal(29.21m, vat["vat10"]);   // 321.26 x 10 / 110
        var qr = FiscalQr.Parse(receipt.GetProperty("qr").GetString());
        Assert.Null(qr.Error);
        Assert.Equal((560.96m, 3L, FiscalOperation.Sell), (qr.Qr!.Sum, qr.Qr.FiscalDocumentNumber, qr.Qr.Operation));
        Assert.Equal(receipt.GetProperty("fiscalSign").GetInt64(), qr.Qr.FiscalSign);
        Assert.Equal(receipt.GetRawText(), retried.GetRawText());
        Assert.Equal(receipt.GetRawText(), read.GetRawText());
        Assert.Equal(17, await OnHand(store, "kefir"));
        Assert.Equal(4.643m, await OnHand(store, "cheese"));

        var refund = await client.PostJson($"/api/v1/registers/{register}/receipts", new
        {
            id = "refund-1", operation = "sellRefund",
            items = new[] { new { sku = "kefir", quantity = 1, price = 79.90m } },
            payments = new[] { new { type = "cash", amount = 79.90m } },
        });
        Assert.Equal(HttpStatusCode.Created, refund.StatusCode);
        Assert.Equal(18, await OnHand(store, "kefir"));

        var z = await (await client.PostAsync($"/api/v1/registers/{register}/shifts/close", null)).ReadOk<JsonElement>();
        Assert.Equal(5, z.GetProperty("fiscalDocumentNumber").GetInt64());
        Assert.Equal(2, z.GetProperty("receiptCount").GetInt32());
        Assert.Equal(560.96m, z.GetProperty("totals").GetProperty("sell").GetDecimal());
        Assert.Equal(79.90m, z.GetProperty("totals").GetProperty("sellRefund").GetDecimal());
        Assert.True(z.TryGetProperty("unconfirmedDocuments", out _));
        var after = await (await client.GetAsync($"/api/v1/registers/{register}")).ReadOk<JsonElement>();
        Assert.False(after.GetProperty("shift").GetProperty("isOpen").GetBoolean());
        Assert.Equal(5, after.GetProperty("lastFiscalDocumentNumber").GetInt64());
    }

    public static TheoryData<string, HttpStatusCode, string, string?> BadReceipts => new()
    {
        { """{"id":"x","operation":"sell","items":[{"sku":"kefir","quantity":1,"price":100}],"payments":[{"type":"cash","amount":99.99}]}""", HttpStatusCode.UnprocessableEntity, ErrorCodes.PaymentMismatch, null },
        { """{"id":"x","operation":"sell","items":[{"sku":"kefir","quantity":0,"price":100}],"payments":[{"type":"cash","amount":0}]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "items[0].quantity" },
        { """{"id":"x","operation":"sell","items":[{"sku":"kefir","quantity":1.0001,"price":100}],"payments":[{"type":"cash","amount":101}]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "items[0].quantity" },
        { """{"id":"x","operation":"sell","items":[{"sku":"boots","quantity":1,"price":100}],"payments":[{"type":"cash","amount":100}]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, null },
        { """{"id":"x","operation":"sell","items":[{"sku":"boots","quantity":2,"price":100,"markingCode":"0104600439931256"}],"payments":[{"type":"cash","amount":200}]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, null },
        { """{"id":"x","operation":"sell","items":[{"sku":"ghost","quantity":1,"price":100}],"payments":[{"type":"cash","amount":100}]}""", HttpStatusCode.NotFound, ErrorCodes.UnknownSku, null },
        { """{"id":"x","operation":"gift","items":[{"sku":"kefir","quantity":1,"price":100}],"payments":[{"type":"cash","amount":100}]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "operation" },
        { """{"id":"x","operation":"sell","items":[],"payments":[{"type":"cash","amount":100}]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "items" },
        { """{"id":"x","operation":"buy","items":[{"sku":"kefir","quantity":1,"price":100}],"payments":[{"type":"cash","amount":100}]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "operation" },
        { """{"id":"x","operation":"Sell","items":[{"sku":"kefir","quantity":1,"price":100}],"payments":[{"type":"cash","amount":100}]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "operation" },
        { """{"id":"x","operation":"sell","items":[{"sku":"kefir","quantity":1,"price":100}],"payments":[{"type":"Cash","amount":100}]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "payments[0].type" },
        { """{"id":"x","operation":"sell","items":[{"sku":"kefir","quantity":1,"price":100}],"payments":[{"type":"bitcoin","amount":100}]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "payments[0].type" },
        { """{"id":"x","operation":"sell","items":[{"sku":"kefir","quantity":1,"price":100.001}],"payments":[{"type":"cash","amount":101}]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "items[0].price" },
        { """{"operation":"sell","items":[{"sku":"kefir","quantity":1,"price":100}],"payments":[{"type":"cash","amount":100}]}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "id" },
        { """{"id":"x","operation":"sell","items":[{"sku":"kefir","quantity":"one","price":100}]""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, null },
    };

    [Theory]
    [MemberData(nameof(BadReceipts))]
    public async Task A_bad_receipt_is_refused_with_its_code_and_changes_nothing(string body, HttpStatusCode status, string code, string? field)
    {
        var (store, register) = await OpenedRegisterAsync();

        var response = await client.PostRaw($"/api/v1/registers/{register}/receipts", body);

        await response.AssertProblem(status, code, field);
        Assert.Equal(20, await OnHand(store, "kefir"));
        Assert.Equal(2, await LastFd(register));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/registers/{register}/receipts/x")).StatusCode);
    }

    [Fact]
    public async Task Fiscal_commands_out_of_order_are_refused_with_their_codes()
    {
        var (store, register) = await OpenedRegisterAsync(openShift: false);
        var sale = new { id = "s", operation = "sell", items = new[] { new { sku = "kefir", quantity = 1, price = 100 } }, payments = new[] { new { type = "cash", amount = 100 } } };

        await (await client.PostJson($"/api/v1/registers/{register}/receipts", sale)).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.ShiftNotOpen);
        await (await client.PostAsync($"/api/v1/registers/{register}/shifts/close", null)).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.ShiftNotOpen);
        (await client.PostJson($"/api/v1/registers/{register}/shifts/open", new { cashier = new { name = "A" } })).EnsureSuccessStatusCode();
        await (await client.PostJson($"/api/v1/registers/{register}/shifts/open", new { cashier = new { name = "A" } })).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.ShiftAlreadyOpen);
        await (await client.PostJson($"/api/v1/registers/{register}/shifts/open", new { cashier = new { name = "" } })).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "cashier.name");
        await (await client.PostJson($"/api/v1/registers/{register}/shifts/open", new { cashier = new { name = "B", inn = "7707083894" } })).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "cashier.inn");
        await (await client.PutJson($"/api/v1/registers/{register}", new { storeId = "elsewhere" })).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        await (await client.PutJson($"/api/v1/registers/other-{Guid.NewGuid():N}"[..30], new { storeId = "nowhere" })).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownStore);
        await (await client.PostJson($"/api/v1/registers/never-registered/receipts", sale)).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        Assert.Equal(20, await OnHand(store, "kefir"));
        Assert.Equal(2, await LastFd(register));

        var same = await client.PutJson($"/api/v1/registers/{register}", new { storeId = store });
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(2, await LastFd(register));
    }

    [Fact]
    public async Task The_state_report_and_the_emulated_operator_work_through_the_api()
    {
        var (_, register) = await OpenedRegisterAsync();

        var report = await (await client.PostAsync($"/api/v1/registers/{register}/reports/current-state", null)).ReadOk<JsonElement>();
        var offline = await (await client.PutJson($"/api/v1/registers/{register}/ofd", new { reachable = false })).ReadOk<JsonElement>();
        var stillThere = await (await client.PostAsync($"/api/v1/registers/{register}/ofd/deliver", null)).ReadOk<JsonElement>();
        await client.PutJson($"/api/v1/registers/{register}/ofd", new { reachable = true });
        var delivered = await (await client.PostAsync($"/api/v1/registers/{register}/ofd/deliver", null)).ReadOk<JsonElement>();

        Assert.Equal(3, report.GetProperty("fiscalDocumentNumber").GetInt64());
        Assert.False(offline.GetProperty("reachable").GetBoolean());
        // The emulated operator also delivers every few seconds; while unreachable nothing leaves the outbox.
        Assert.Equal(offline.GetProperty("unconfirmed").GetInt32(), stillThere.GetProperty("unconfirmed").GetInt32());
        Assert.Equal(0, delivered.GetProperty("unconfirmed").GetInt32());
    }

    [Fact]
    public async Task A_stores_registers_are_listed_for_its_managers_and_cashiers_with_their_state_and_gaps()
    {
        var chain = new TestChain(api);
        var store = await chain.StoreAsync();
        var other = await chain.StoreAsync();
        var emulated = await chain.RegisterAsync(store);
        var device = TestChain.NewId("kkt");
        var fn = Registers.DeviceTill.NewFnSerial();
        (await client.PutJson($"/api/v1/registers/{device}", new { storeId = store, mode = "device", fnSerial = fn, registrationNumber = Registers.DeviceTill.RegistrationNumber }))
            .EnsureSuccessStatusCode();
        // Registering again lists it once; another store's register is not listed here.
        (await client.PutJson($"/api/v1/registers/{emulated}", new { storeId = store })).EnsureSuccessStatusCode();
        await chain.RegisterAsync(other);
        var sku = await chain.SkuAsync();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        (await client.PostJson($"/api/v1/registers/{device}/fiscalized-receipts", new
        {
            id = "r-4", operation = "sell", items = new[] { new { sku, quantity = 1, price = 100 } }, payments = new[] { new { type = "cash", amount = 100 } },
            fiscal = new { fnSerial = fn, fiscalDocumentNumber = 4, fiscalSign = 3_000_000_004L, shiftNumber = 1, receiptNumber = 2, dateTime = at },
        })).EnsureSuccessStatusCode();
        var (_, _, manager) = await chain.KeyAsync("manager", [store]);
        var (_, _, cashier) = await chain.KeyAsync("cashier", registerIds: [emulated]);
        var (_, _, integration) = await chain.KeyAsync("integration", [store]);

        var listed = await (await manager.GetAsync($"/api/v1/stores/{store}/registers")).ReadOk<List<StoreRegisterView>>();
        Assert.Equal(new[] { device, emulated }.Order(StringComparer.Ordinal), listed.Select(r => r.RegisterId));
        var (kkt, till) = (listed.Single(r => r.RegisterId == device), listed.Single(r => r.RegisterId == emulated));
        Assert.Equal(("device", 2L, 4L), (kkt.Mode, kkt.MissingCount, kkt.LastFiscalDocumentNumber));
        Assert.Equal(("emulated", 0L, true), (till.Mode, till.MissingCount, till.Shift.IsOpen));
        Assert.Equal(2, (await (await cashier.GetAsync($"/api/v1/stores/{store}/registers")).ReadOk<List<StoreRegisterView>>()).Count);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync($"/api/v1/stores/{other}/registers")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await integration.GetAsync($"/api/v1/stores/{store}/registers")).StatusCode);
        await (await client.GetAsync("/api/v1/stores/nowhere-1/registers")).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }
}
