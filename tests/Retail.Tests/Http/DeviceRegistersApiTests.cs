using System.Globalization;
using System.Net;
using System.Text.Json;
using Retail.Common;
using Retail.Registers.Fiscal;
using Retail.Stock;
using Retail.Tests.Registers;

namespace Retail.Tests.Http;

/// <summary>Registers with a physical fiscal drive through HTTP: registration, fiscalized receipts and reports, gaps.</summary>
[Collection(ApiCollection.Name)]
public sealed class DeviceRegistersApiTests(ApiFactory api)
{
    private const string Rnm = DeviceTill.RegistrationNumber;
    private static readonly TimeSpan Moscow = TimeSpan.FromHours(3);

    private readonly HttpClient client = api.Admin();
    private readonly HttpClient scraper = api.CreateClient();

    /// <summary>A store with kefir (20 in stock), boots (marked) and cheese, and a device register with a fresh FN.</summary>
    private async Task<(string Store, string Register, string Fn)> DeviceRegisterAsync()
    {
        var store = $"st-{Guid.NewGuid():N}"[..14];
        var register = $"kkt-{Guid.NewGuid():N}"[..14];
        var fn = DeviceTill.NewFnSerial();
        (await client.PutJson($"/api/v1/stores/{store}", new { name = "Store", address = "Kazan", timeZone = "Europe/Moscow", inn = "7707083893", taxationSystem = "osn" })).EnsureSuccessStatusCode();
        foreach (var (sku, marked) in new[] { ("kefir", false), ("boots", true) })
            (await client.PutJson($"/api/v1/skus/{sku}", new { name = sku, unit = "pcs", vat = "vat22", price = 100, kind = "goods", marked })).EnsureSuccessStatusCode();
        (await client.PostJson($"/api/v1/stores/{store}/stock/kefir/movements", new { id = "in", type = "goodsReceipt", quantity = 20 })).EnsureSuccessStatusCode();
        (await client.PutJson($"/api/v1/registers/{register}", new { storeId = store, mode = "device", fnSerial = fn, registrationNumber = Rnm })).EnsureSuccessStatusCode();
        return (store, register, fn);
    }

    /// <summary>A whole second some minutes ago, in Moscow time.</summary>
    private static DateTimeOffset Earlier(int minutes)
    {
        var now = DateTime.UtcNow.Ticks;
        return new DateTimeOffset(now - now % TimeSpan.TicksPerSecond, TimeSpan.Zero).ToOffset(Moscow).AddMinutes(-minutes);
    }

    private static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static object Receipt(string id, string fn, long fd, int receiptNumber, DateTimeOffset at, decimal quantity = 2, string? qr = null,
        decimal? total = null, object[]? vat = null, long sign = 3_000_000_001, int shift = 1) => new
    {
        id, operation = "sell",
        items = new[] { new { sku = "kefir", quantity, price = 79.90m } },
        payments = new[] { new { type = "cash", amount = quantity * 79.90m } },
        fiscal = new { fnSerial = fn, fiscalDocumentNumber = fd, fiscalSign = sign, shiftNumber = shift, receiptNumber, dateTime = Iso(at), qr, total, vat },
    };

    private static object Report(string fn, int form, long fd, DateTimeOffset at, int? receiptCount = null, int? documentCount = null, int shift = 1) => new
    {
        fnSerial = fn, form, fiscalDocumentNumber = fd, fiscalSign = 1_234_567_890L + fd, shiftNumber = shift, dateTime = Iso(at), receiptCount, documentCount,
    };

    private async Task<JsonElement> GapsAsync(string register) =>
        await (await client.GetAsync($"/api/v1/registers/{register}/gaps")).ReadOk<JsonElement>();

    private async Task<decimal> OnHand(string store, string sku) =>
        (await (await client.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).ReadOk<StockLevel>()).OnHand;

    private async Task<JsonElement> RegisterAsync(string register) =>
        await (await client.GetAsync($"/api/v1/registers/{register}")).ReadOk<JsonElement>();

    private static long[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();

    [Fact]
    public async Task A_device_register_takes_receipts_and_reports_late_and_names_its_gaps_until_they_arrive()
    {
        var (store, register, fn) = await DeviceRegisterAsync();
        var body = new { storeId = store, mode = "device", fnSerial = fn, registrationNumber = Rnm };
        var registered = await RegisterAsync(register);
        var again = await (await client.PutJson($"/api/v1/registers/{register}", body)).ReadOk<JsonElement>();
        var day = Earlier(120);

        var opened = await client.PostJson($"/api/v1/registers/{register}/fiscalized-reports", Report(fn, 2, 2, day));
        var openedAgain = await client.PostJson($"/api/v1/registers/{register}/fiscalized-reports", Report(fn, 2, 2, day));
        var at = day.AddMinutes(30).AddSeconds(7);
        var qr = $"t={at:yyyyMMdd'T'HHmmss}&s=159.80&fn={fn}&i=5&fp=3000000001&n=1";
        var late = Receipt("sale-3", fn, 5, 3, at, qr: qr, total: 159.80m, vat: [new { rate = "vat22", amount = 28.82m }]);
        var created = await (await client.PostJson($"/api/v1/registers/{register}/fiscalized-receipts", late)).ReadOk<JsonElement>(HttpStatusCode.Created);
        var repeated = await (await client.PostJson($"/api/v1/registers/{register}/fiscalized-receipts", late)).ReadOk<JsonElement>();
        var read = await (await client.GetAsync($"/api/v1/registers/{register}/receipts/sale-3")).ReadOk<JsonElement>();
        var withGaps = await GapsAsync(register);
        var scrape = await Eventually.Until(ScrapeAsync, text => GapGauge(text, register) == 2);

        Assert.Equal(("device", fn, Rnm, 1L), (registered.GetProperty("mode").GetString(), registered.GetProperty("fnSerial").GetString(),
            registered.GetProperty("registrationNumber").GetString(), registered.GetProperty("lastFiscalDocumentNumber").GetInt64()));
        Assert.Equal(registered.GetRawText(), again.GetRawText());
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (opened.StatusCode, openedAgain.StatusCode));
        Assert.Equal(await opened.Content.ReadAsStringAsync(), await openedAgain.Content.ReadAsStringAsync());
        Assert.Equal((5L, 1, 3, 3_000_000_001L, fn, Rnm), (created.GetProperty("fiscalDocumentNumber").GetInt64(), created.GetProperty("shiftNumber").GetInt32(),
            created.GetProperty("receiptNumber").GetInt32(), created.GetProperty("fiscalSign").GetInt64(), created.GetProperty("fnSerial").GetString(),
            created.GetProperty("registrationNumber").GetString()));
        Assert.Equal(159.80m, created.GetProperty("total").GetDecimal());
        Assert.Equal(at, created.GetProperty("dateTime").GetDateTimeOffset());
        Assert.Equal(Moscow, created.GetProperty("dateTime").GetDateTimeOffset().Offset);
        Assert.Equal(qr[..15] + qr[17..], created.GetProperty("qr").GetString());   // the canonical form keeps minutes only
        Assert.Equal(created.GetRawText(), repeated.GetRawText());
        Assert.Equal(created.GetRawText(), read.GetRawText());
        Assert.Equal(2, withGaps.GetProperty("missingCount").GetInt64());
        var drive = Assert.Single(withGaps.GetProperty("fiscalDrives").EnumerateArray());
        Assert.Equal((fn, true, 5L), (drive.GetProperty("fnSerial").GetString(), drive.GetProperty("current").GetBoolean(), drive.GetProperty("highestReceived").GetInt64()));
        Assert.Equal([3L, 4L], Numbers(drive.GetProperty("missing")));
        Assert.Equal(2, GapGauge(scrape, register));

        // The rest of the shift arrives, receipt 4 (FD 6) last; the Z-report counts 4 receipts in 6 documents.
        foreach (var (id, fd, number) in new[] { ("sale-1", 3L, 1), ("sale-2", 4L, 2) })
            Assert.Equal(HttpStatusCode.Created, (await client.PostJson($"/api/v1/registers/{register}/fiscalized-receipts", Receipt(id, fn, fd, number, at.AddMinutes(-5)))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostJson($"/api/v1/registers/{register}/fiscalized-reports", Report(fn, 5, 7, at.AddHours(1), 4, 6))).StatusCode);
        var shortShift = await GapsAsync(register);
        Assert.Equal(HttpStatusCode.Created, (await client.PostJson($"/api/v1/registers/{register}/fiscalized-receipts", Receipt("sale-4", fn, 6, 4, at.AddMinutes(10)))).StatusCode);
        var complete = await GapsAsync(register);

        var shortDrive = shortShift.GetProperty("fiscalDrives")[0];
        Assert.Equal([6L], Numbers(shortDrive.GetProperty("missing")));
        var shift = Assert.Single(shortDrive.GetProperty("shifts").EnumerateArray());
        Assert.Equal((1, 4, 3L, 2L, 7L, 6), (shift.GetProperty("shiftNumber").GetInt32(), shift.GetProperty("receiptCount").GetInt32(),
            shift.GetProperty("receivedReceipts").GetInt64(), shift.GetProperty("firstFiscalDocumentNumber").GetInt64(),
            shift.GetProperty("lastFiscalDocumentNumber").GetInt64(), shift.GetProperty("documentCount").GetInt32()));
        Assert.Equal([4L], Numbers(shift.GetProperty("missingReceiptNumbers")));
        Assert.Equal(0, complete.GetProperty("missingCount").GetInt64());
        Assert.Empty(complete.GetProperty("fiscalDrives")[0].GetProperty("missing").EnumerateArray());
        Assert.Empty(complete.GetProperty("fiscalDrives")[0].GetProperty("shifts").EnumerateArray());
        Assert.Equal(20 - 4 * 2, await OnHand(store, "kefir"));
        var view = await RegisterAsync(register);
        Assert.Equal(7, view.GetProperty("lastFiscalDocumentNumber").GetInt64());
        Assert.Equal((1, false), (view.GetProperty("shift").GetProperty("number").GetInt32(), view.GetProperty("shift").GetProperty("isOpen").GetBoolean()));
        Assert.Equal(0, GapGauge(await Eventually.Until(ScrapeAsync, text => GapGauge(text, register) == 0), register));
    }

    /// <summary>One field of a good receipt (FD 4, receipt 2 of shift 1) and the bad JSON value it gets.</summary>
    public static TheoryData<string, string, HttpStatusCode, string, string?> BadFiscalizedReceipts => new()
    {
        { "fnSerial", Quoted("9999999999999999"), HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.fnSerial" },
        { "fnSerial", Quoted("12345"), HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.fnSerial" },
        { "payments", """[{"type":"cash","amount":150}]""", HttpStatusCode.UnprocessableEntity, ErrorCodes.PaymentMismatch, null },
        { "total", "160", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.total" },
        { "vat", """[{"rate":"vat10","amount":14.53}]""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.vat" },
        { "vat", """[{"rate":"vat99","amount":1}]""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.vat[0].rate" },
        { "qr", Quoted("t=QRTIME&s=159.81&fn=FN&i=4&fp=3000000001&n=1"), HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.qr" },
        { "qr", Quoted("t=QRTIME&s=159.80&fn=FN&i=4&fp=3000000002&n=1"), HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.qr" },
        { "qr", Quoted("t=QRTIME&s=159.80&fn=FN&i=4&fp=3000000001&n=2"), HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.qr" },
        { "qr", Quoted("t=QRTIME&s=159.80&fn=FN&i=5&fp=3000000001&n=1"), HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.qr" },
        { "qr", Quoted("t=1&s=x"), HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.qr" },
        { "fiscalDocumentNumber", "0", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.fiscalDocumentNumber" },
        { "fiscalDocumentNumber", "1", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.fiscalDocumentNumber" },
        { "fiscalDocumentNumber", "4294967296", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.fiscalDocumentNumber" },
        { "fiscalDocumentNumber", Quoted("four"), HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.fiscalDocumentNumber" },
        { "fiscalDocumentNumber", "3", HttpStatusCode.Conflict, ErrorCodes.IdempotencyConflict, "fiscal.fiscalDocumentNumber" },
        { "fiscalDocumentNumber", "2", HttpStatusCode.Conflict, ErrorCodes.IdempotencyConflict, "fiscal.fiscalDocumentNumber" },
        { "id", Quoted("first"), HttpStatusCode.Conflict, ErrorCodes.IdempotencyConflict, "id" },
        { "receiptNumber", "1", HttpStatusCode.Conflict, ErrorCodes.InvalidState, null },
        { "receiptNumber", "0", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.receiptNumber" },
        { "shiftNumber", "0", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.shiftNumber" },
        { "fiscalSign", "-1", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.fiscalSign" },
        { "fiscalSign", "4294967296", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.fiscalSign" },
        { "dateTime", Quoted("2026-03-02T21:10:05"), HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal.dateTime" },
        { "fiscal", "null", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fiscal" },
        { "items", """[{"sku":"ghost","quantity":2,"price":79.90}]""", HttpStatusCode.NotFound, ErrorCodes.UnknownSku, null },
        { "items", """[{"sku":"boots","quantity":2,"price":79.90}]""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, null },
        { "items", """[{"sku":"kefir","quantity":2,"price":79.901}]""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "items[0].price" },
        { "operation", Quoted("buy"), HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "operation" },
        { "id", "null", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "id" },
    };

    private static string Quoted(string text) => JsonSerializer.Serialize(text);

    /// <summary>A good fiscalized receipt for FD 4 (receipt 2 of shift 1) with one field's JSON value replaced.</summary>
    private static string ReceiptJson(string fn, DateTimeOffset at, string? field = null, string? value = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["id"] = Quoted("x"), ["operation"] = Quoted("sell"),
            ["items"] = """[{"sku":"kefir","quantity":2,"price":79.90}]""", ["payments"] = """[{"type":"cash","amount":159.80}]""",
            ["fnSerial"] = Quoted(fn), ["fiscalDocumentNumber"] = "4", ["fiscalSign"] = "3000000001", ["shiftNumber"] = "1", ["receiptNumber"] = "2",
            ["dateTime"] = Quoted(Iso(at)), ["total"] = "159.80", ["vat"] = """[{"rate":"vat22","amount":28.82}]""",
            ["qr"] = Quoted($"t={at:yyyyMMdd'T'HHmm}&s=159.80&fn={fn}&i=4&fp=3000000001&n=1"),
        };
        if (field is not null)
            fields[field] = value!.Replace("QRTIME", at.ToString("yyyyMMdd'T'HHmm", CultureInfo.InvariantCulture)).Replace("fn=FN", $"fn={fn}");
        string Fields(params string[] names) => string.Join(',', names.Select(n => $"{Quoted(n)}:{fields[n]}"));
        var fiscal = field == "fiscal" ? value : "{" + Fields("fnSerial", "fiscalDocumentNumber", "fiscalSign", "shiftNumber", "receiptNumber", "dateTime", "total", "vat", "qr") + "}";
        return "{" + Fields("id", "operation", "items", "payments") + ",\"fiscal\":" + fiscal + "}";
    }

    /// <summary>
    /// A register that has FD 2 (the shift's opening report) and FD 3 (receipt "first", number 1) gets a
    /// receipt for FD 4 with one field made bad: refused with its code, and nothing changes.
    /// </summary>
    [Theory]
    [MemberData(nameof(BadFiscalizedReceipts))]
    public async Task A_bad_fiscalized_receipt_is_refused_with_its_code_and_changes_nothing(string name, string value, HttpStatusCode status, string code, string? field)
    {
        var (store, register, fn) = await DeviceRegisterAsync();
        var at = Earlier(60);
        (await client.PostJson($"/api/v1/registers/{register}/fiscalized-reports", Report(fn, 2, 2, at.AddMinutes(-10)))).EnsureSuccessStatusCode();
        (await client.PostJson($"/api/v1/registers/{register}/fiscalized-receipts", Receipt("first", fn, 3, 1, at.AddMinutes(-5)))).EnsureSuccessStatusCode();
        var before = (await GapsAsync(register)).GetRawText();

        var response = await client.PostRaw($"/api/v1/registers/{register}/fiscalized-receipts", ReceiptJson(fn, at, name, value));

        await response.AssertProblem(status, code, field);
        Assert.Equal(18, await OnHand(store, "kefir"));
        Assert.Equal(3, (await RegisterAsync(register)).GetProperty("lastFiscalDocumentNumber").GetInt64());
        Assert.Equal(before, (await GapsAsync(register)).GetRawText());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/registers/{register}/receipts/x")).StatusCode);
    }

    [Fact]
    public async Task The_bad_receipts_unchanged_are_a_good_receipt()
    {
        // The theory above changes one field of this body at a time: unchanged, with its QR, total and VAT, it is accepted.
        var (store, register, fn) = await DeviceRegisterAsync();
        var at = Earlier(60);
        (await client.PostJson($"/api/v1/registers/{register}/fiscalized-receipts", Receipt("first", fn, 3, 1, at.AddMinutes(-5)))).EnsureSuccessStatusCode();

        var response = await client.PostRaw($"/api/v1/registers/{register}/fiscalized-receipts", ReceiptJson(fn, at));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(16, await OnHand(store, "kefir"));
    }

    [Fact]
    public async Task Bad_reports_are_refused_with_their_codes_and_change_nothing()
    {
        var (_, register, fn) = await DeviceRegisterAsync();
        var at = Earlier(60);
        (await client.PostJson($"/api/v1/registers/{register}/fiscalized-reports", Report(fn, 2, 2, at))).EnsureSuccessStatusCode();
        (await client.PostJson($"/api/v1/registers/{register}/fiscalized-receipts", Receipt("first", fn, 3, 1, at.AddMinutes(5)))).EnsureSuccessStatusCode();
        var before = (await GapsAsync(register)).GetRawText();
        var url = $"/api/v1/registers/{register}/fiscalized-reports";

        await (await client.PostJson(url, Report(fn, 3, 9, at))).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "form");
        await (await client.PostJson(url, Report(fn, 5, 9, at))).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "receiptCount");
        await (await client.PostJson(url, Report(fn, 5, 9, at, 1, 2))).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "documentCount");
        await (await client.PostJson(url, Report(fn, 2, 9, at, 1, 3, shift: 2))).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "receiptCount");
        await (await client.PostJson(url, Report("9999999999999999", 2, 9, at, shift: 2))).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fnSerial");
        await (await client.PostJson(url, Report(fn, 2, 3, at, shift: 2))).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.IdempotencyConflict, "fiscalDocumentNumber");
        await (await client.PostJson(url, Report(fn, 2, 2, at.AddSeconds(1)))).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.IdempotencyConflict, "fiscalDocumentNumber");
        await (await client.PostJson(url, Report(fn, 5, 9, at, 1, 3))).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);   // opened at FD 2: FD 2..9 are 8 documents
        await (await client.PostJson(url, Report(fn, 5, 9, at, 0, 8))).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);   // receipt 1 already arrived
        await (await client.PostRaw(url, $$"""{"fnSerial":"{{fn}}","form":2,"fiscalDocumentNumber":9,"fiscalSign":1,"shiftNumber":2,"dateTime":"2026-03-02 21:10"}""")).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "dateTime");

        Assert.Equal(before, (await GapsAsync(register)).GetRawText());
        Assert.Equal(3, (await RegisterAsync(register)).GetProperty("lastFiscalDocumentNumber").GetInt64());
    }

    public static TheoryData<string, HttpStatusCode, string, string> BadRegistrations => new()
    {
        { """{"storeId":"STORE","mode":"device","registrationNumber":"0000000001012345"}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fnSerial" },
        { """{"storeId":"STORE","mode":"device","fnSerial":"996044030012345","registrationNumber":"0000000001012345"}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fnSerial" },
        { """{"storeId":"STORE","mode":"device","fnSerial":"996044030012345x","registrationNumber":"0000000001012345"}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fnSerial" },
        { """{"storeId":"STORE","mode":"device","fnSerial":"9960440300123456","registrationNumber":"1012345"}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "registrationNumber" },
        { """{"storeId":"STORE","mode":"device","fnSerial":"9960440300123456","registrationNumber":"0000000001012345","firstFiscalDocumentNumber":1}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "firstFiscalDocumentNumber" },
        { """{"storeId":"STORE","mode":"cloud"}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "mode" },
        { """{"storeId":"STORE","fnSerial":"9960440300123456"}""", HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "fnSerial" },
        { """{"storeId":"nowhere","mode":"device","fnSerial":"9960440300123456","registrationNumber":"0000000001012345"}""", HttpStatusCode.NotFound, ErrorCodes.UnknownStore, "storeId" },
    };

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task A_bad_registration_is_refused_and_registers_nothing(string body, HttpStatusCode status, string code, string field)
    {
        var (store, _, _) = await DeviceRegisterAsync();
        var register = $"kkt-{Guid.NewGuid():N}"[..14];

        var response = await client.PutAsync($"/api/v1/registers/{register}",
            new StringContent(body.Replace("STORE", store), System.Text.Encoding.UTF8, "application/json"));

        await response.AssertProblem(status, code, field);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/registers/{register}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/registers/{register}/gaps")).StatusCode);
    }

    [Fact]
    public async Task Each_mode_refuses_the_other_modes_commands()
    {
        var (store, device, fn) = await DeviceRegisterAsync();
        var emulated = $"till-{Guid.NewGuid():N}"[..14];
        (await client.PutJson($"/api/v1/registers/{emulated}", new { storeId = store })).EnsureSuccessStatusCode();
        (await client.PostJson($"/api/v1/registers/{emulated}/shifts/open", new { cashier = new { name = "Ivanova" } })).EnsureSuccessStatusCode();
        var sale = new { id = "s", operation = "sell", items = new[] { new { sku = "kefir", quantity = 1, price = 100 } }, payments = new[] { new { type = "cash", amount = 100 } } };
        var at = Earlier(30);

        await (await client.PostJson($"/api/v1/registers/{device}/shifts/open", new { cashier = new { name = "A" } })).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        await (await client.PostAsync($"/api/v1/registers/{device}/shifts/close", null)).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        await (await client.PostAsync($"/api/v1/registers/{device}/reports/current-state", null)).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        await (await client.PostJson($"/api/v1/registers/{device}/receipts", sale)).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        await (await client.PutJson($"/api/v1/registers/{device}", new { storeId = store })).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        await (await client.PutJson($"/api/v1/registers/{device}", new { storeId = "elsewhere", mode = "device", fnSerial = fn, registrationNumber = Rnm })).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        await (await client.PutJson($"/api/v1/registers/{device}", new { storeId = store, mode = "device", fnSerial = fn, registrationNumber = "0000000001099999" })).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        await (await client.PostJson($"/api/v1/registers/{emulated}/fiscalized-receipts", Receipt("r", fn, 3, 1, at))).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        await (await client.PostJson($"/api/v1/registers/{emulated}/fiscalized-reports", Report(fn, 2, 2, at))).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        await (await client.PutJson($"/api/v1/registers/{emulated}", new { storeId = store, mode = "device", fnSerial = fn, registrationNumber = Rnm })).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        await (await client.PostJson($"/api/v1/registers/nobody-{Guid.NewGuid():N}"[..30] + "/fiscalized-receipts", Receipt("r", fn, 3, 1, at))).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.NotFound);

        Assert.Equal(20, await OnHand(store, "kefir"));
        Assert.Equal(1, (await RegisterAsync(device)).GetProperty("lastFiscalDocumentNumber").GetInt64());
        Assert.Equal(2, (await RegisterAsync(emulated)).GetProperty("lastFiscalDocumentNumber").GetInt64());
        var emulatedGaps = await GapsAsync(emulated);
        Assert.Equal(("emulated", 0L), (emulatedGaps.GetProperty("mode").GetString(), emulatedGaps.GetProperty("missingCount").GetInt64()));
    }

    [Fact]
    public async Task A_new_fn_starts_a_new_sequence_and_the_old_fns_gaps_stay_visible()
    {
        var (store, register, oldFn) = await DeviceRegisterAsync();
        var at = Earlier(180);
        foreach (var (id, fd) in new[] { ("a", 2L), ("c", 4L) })
            (await client.PostJson($"/api/v1/registers/{register}/fiscalized-receipts", Receipt(id, oldFn, fd, (int)fd - 1, at.AddMinutes(fd), quantity: 1))).EnsureSuccessStatusCode();
        var newFn = DeviceTill.NewFnSerial();

        var replaced = await (await client.PutJson($"/api/v1/registers/{register}", new { storeId = store, mode = "device", fnSerial = newFn, registrationNumber = Rnm })).ReadOk<JsonElement>();
        (await client.PostJson($"/api/v1/registers/{register}/fiscalized-receipts", Receipt("n", newFn, 3, 1, at.AddMinutes(60), quantity: 1))).EnsureSuccessStatusCode();
        var back = await client.PutJson($"/api/v1/registers/{register}", new { storeId = store, mode = "device", fnSerial = oldFn, registrationNumber = Rnm });
        var gaps = await GapsAsync(register);

        Assert.Equal((newFn, 1L), (replaced.GetProperty("fnSerial").GetString(), replaced.GetProperty("lastFiscalDocumentNumber").GetInt64()));
        await back.AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        Assert.Equal(2, gaps.GetProperty("missingCount").GetInt64());
        var drives = gaps.GetProperty("fiscalDrives").EnumerateArray().ToList();
        Assert.Equal([(oldFn, false), (newFn, true)], drives.Select(d => (d.GetProperty("fnSerial").GetString(), d.GetProperty("current").GetBoolean())));
        Assert.Equal([3L], Numbers(drives[0].GetProperty("missing")));
        Assert.Equal(JsonValueKind.String, drives[0].GetProperty("replacedAt").ValueKind);
        Assert.Equal([2L], Numbers(drives[1].GetProperty("missing")));
        Assert.Equal((newFn, 3L), ((await RegisterAsync(register)).GetProperty("fnSerial").GetString(), (await RegisterAsync(register)).GetProperty("lastFiscalDocumentNumber").GetInt64()));
        Assert.Equal(17, await OnHand(store, "kefir"));
    }

    [Fact]
    public async Task A_batch_applies_each_receipt_as_if_posted_alone_and_a_replay_of_it_changes_nothing()
    {
        var (store, register, fn) = await DeviceRegisterAsync();
        var day = Earlier(90);
        (await client.PostJson($"/api/v1/registers/{register}/fiscalized-reports", Report(fn, 2, 2, day))).EnsureSuccessStatusCode();
        // FD 3 was posted alone before the till went offline; the batch repeats it and brings 4..7, out of order.
        (await client.PostJson($"/api/v1/registers/{register}/fiscalized-receipts", Receipt("b-3", fn, 3, 1, day.AddMinutes(1)))).EnsureSuccessStatusCode();
        var receipts = new object[]
        {
            Receipt("b-5", fn, 5, 3, day.AddMinutes(3)),
            Receipt("b-3", fn, 3, 1, day.AddMinutes(1)),
            Receipt("b-4", fn, 4, 2, day.AddMinutes(2)),
            new { id = "b-bad", operation = "sell", items = new[] { new { sku = "kefir", quantity = 1, price = 79.90m } } },
            Receipt("b-3", fn, 3, 1, day.AddMinutes(1), quantity: 5),
            Receipt("b-7", fn, 7, 5, day.AddMinutes(5)),
        };

        var first = await (await client.PostJson($"/api/v1/registers/{register}/fiscalized-receipts/batch", new { receipts })).ReadOk<JsonElement>();
        var afterFirst = await OnHand(store, "kefir");
        var again = await (await client.PostJson($"/api/v1/registers/{register}/fiscalized-receipts/batch", new { receipts })).ReadOk<JsonElement>();

        int[] Statuses(JsonElement answer) => answer.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetInt32()).ToArray();
        Assert.Equal([201, 200, 201, 400, 409, 201], Statuses(first));
        Assert.Equal((3, 1, 2), (first.GetProperty("accepted").GetInt32(), first.GetProperty("replayed").GetInt32(), first.GetProperty("refused").GetInt32()));
        var results = first.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal("payments", results[3].GetProperty("problem").GetProperty("errors").EnumerateObject().Single().Name);
        Assert.Equal(ErrorCodes.IdempotencyConflict, results[4].GetProperty("problem").GetProperty("code").GetString());
        Assert.Equal(5, results[0].GetProperty("receipt").GetProperty("fiscalDocumentNumber").GetInt64());
        Assert.Equal([200, 200, 200, 400, 409, 200], Statuses(again));
        // 20 in stock, 2 each for FD 3, 4, 5 and 7: and nothing more for the replay.
        Assert.Equal(12, afterFirst);
        Assert.Equal(12, await OnHand(store, "kefir"));
        var gaps = await GapsAsync(register);
        Assert.Equal([6L], Numbers(gaps.GetProperty("fiscalDrives")[0].GetProperty("missing")));
    }

    [Fact]
    public async Task Batches_racing_with_the_same_receipts_apply_each_once()
    {
        var (store, register, fn) = await DeviceRegisterAsync();
        var day = Earlier(60);
        (await client.PostJson($"/api/v1/registers/{register}/fiscalized-reports", Report(fn, 2, 2, day))).EnsureSuccessStatusCode();
        var receipts = Enumerable.Range(3, 8).Select(fd => Receipt($"r-{fd}", fn, fd, fd - 2, day.AddMinutes(fd), quantity: 1)).ToArray();

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(k => client.PostJson(
            $"/api/v1/registers/{register}/fiscalized-receipts/batch",
            // Each caller sends the receipts in its own order, some also one by one.
            new { receipts = k % 2 == 0 ? receipts : receipts.Reverse().ToArray() })));
        var singles = await Task.WhenAll(receipts.Select(r => client.PostJson($"/api/v1/registers/{register}/fiscalized-receipts", r)));

        var created = 0;
        foreach (var answer in answers)
            created += (await answer.ReadOk<JsonElement>()).GetProperty("accepted").GetInt32();
        Assert.All(singles, s => Assert.Equal(HttpStatusCode.OK, s.StatusCode));
        Assert.Equal(8, created);
        Assert.Equal(12, await OnHand(store, "kefir"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task A_batch_of_no_receipts_or_too_many_is_refused_whole(int count)
    {
        var (store, register, fn) = await DeviceRegisterAsync();
        var receipts = Enumerable.Range(0, count).Select(i => Receipt($"x-{i}", fn, 3 + i, 1 + i, Earlier(30), quantity: 0.001m)).ToArray();

        var response = await client.PostJson($"/api/v1/registers/{register}/fiscalized-receipts/batch", new { receipts });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(20, await OnHand(store, "kefir"));
    }

    private async Task<string> ScrapeAsync()
    {
        var response = await scraper.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The register's sample of <c>retail_register_gaps</c>, or -1 when the scrape has none.</summary>
    private static double GapGauge(string exposition, string register) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith("retail_register_gaps{", StringComparison.Ordinal) && line.Contains($"register=\"{register}\"", StringComparison.Ordinal))
            .Select(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))
            .DefaultIfEmpty(-1)
            .First();
}
