using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Retail.Integrations;
using Retail.Registers;
using Retail.Registers.Fiscal;

namespace Retail.Api.Integrations;

/// <summary>A receipt request read from the protocol's JSON, or the fields that are wrong (the text of error 32).</summary>
public sealed record AtolReceiptRead(CloudReceiptRequest? Request, string? CompanyInn, string? Problem, string? CallbackWarning);

/// <summary>
/// Reads the body of <c>sell</c>, <c>sell_refund</c> and the corrections, v4 and v5 alike: unknown fields are
/// ignored, numbers are numbers, codes are the protocol's (v4 names, v5 numbers; either is taken in both).
/// </summary>
public static class AtolRequests
{
    public const int MaxItems = 100;
    public const int MaxPayments = 10;
    public const int MaxExternalIdLength = 128;

    /// <summary>Operations by the name in the path: what they fiscalize, or null for one a store's register does not do.</summary>
    public static (string Operation, bool Correction)? Operation(string name) => name switch
    {
        "sell" => ("sell", false),
        "sell_refund" => ("sellRefund", false),
        "sell_correction" => ("sell", true),
        "sell_refund_correction" => ("sellRefund", true),
        _ => null,
    };

    public static readonly IReadOnlySet<string> Known =
        new HashSet<string>(StringComparer.Ordinal) { "sell", "sell_refund", "sell_correction", "sell_refund_correction", "buy", "buy_refund", "buy_correction", "buy_refund_correction" };

    private static readonly string[] PaymentMethods = ["full_prepayment", "prepayment", "advance", "full_payment", "partial_payment", "credit", "credit_payment"];

    private static readonly Dictionary<string, int> PaymentObjects = new(StringComparer.Ordinal)
    {
        ["commodity"] = 1, ["excise"] = 2, ["job"] = 3, ["service"] = 4, ["payment"] = 10, ["another"] = 13,
    };

    private static readonly HashSet<string> Taxations = new(StringComparer.Ordinal) { "osn", "usn_income", "usn_income_outcome", "envd", "esn", "patent" };

    /// <summary>The v4 free-text unit, as far as it names a 2108 unit; anything else counts in pieces.</summary>
    private static int UnitOfText(string? text) => text?.Trim().TrimEnd('.').ToLowerInvariant() switch
    {
        "кг" or "kg" => 11,
        "г" or "гр" or "g" => 10,
        "л" or "l" => 41,
        "мл" or "ml" => 40,
        "м" or "m" => 22,
        "т" or "t" => 12,
        _ => 0,
    };

    public static AtolReceiptRead Read(JsonNode? body, string version, string operationName, string registerId, bool allowPrivateCallbacks)
    {
        var problems = new List<string>();
        if (body is not JsonObject root)
            return new AtolReceiptRead(null, null, "The body is a JSON object.", null);
        var (operation, correction) = Operation(operationName)!.Value;
        var externalId = Text(root, "external_id", problems, MaxExternalIdLength);
        if (!AtolProtocol.TryParseTimestamp(Text(root, "timestamp", problems, 19), out _))
            problems.Add("timestamp (dd.MM.yyyy HH:mm:ss)");

        string? callback = null, warning = null;
        if (root["service"] is JsonObject service && Scalar(service["callback_url"]) is { Length: > 0 } url)
        {
            if (WebhookTargets.CheckUrl(url, allowPrivateCallbacks) is null)
                callback = url;
            else
                warning = "callback_url is not an absolute public http(s) URL; no callback will be made.";
        }

        var document = root[correction ? "correction" : "receipt"] as JsonObject;
        if (document is null)
            return new AtolReceiptRead(null, null, correction ? "correction" : "receipt", null);
        var company = document["company"] as JsonObject;
        var inn = company is null ? null : Scalar(company["inn"]);
        if (inn is null)
            problems.Add("company.inn");
        if (company is not null && Scalar(company["sno"]) is { } sno && !Taxations.Contains(sno))
            problems.Add("company.sno");

        CorrectionInput? basis = null;
        if (correction)
            basis = CorrectionOf(document["correction_info"] as JsonObject, problems);

        var payments = Payments(document["payments"] as JsonArray, problems);
        var items = document["items"] is JsonArray list
            ? Items(list, version, problems)
            : correction && version == "v4" ? [CorrectionLine(document, payments)] : Missing<CloudReceiptItem>("items", problems);
        if (document["total"] is { } totalNode && Number(totalNode) is { } total && items.Count > 0 && total != items.Sum(i => i.Sum))
            problems.Add($"total ({total.ToString(CultureInfo.InvariantCulture)} is not the sum of the items, {items.Sum(i => i.Sum).ToString(CultureInfo.InvariantCulture)})");
        else if (!correction && document["total"] is null)
            problems.Add("total");

        var client = document["client"] as JsonObject;
        var email = client is null ? null : Scalar(client["email"]);
        var phone = client is null ? null : Scalar(client["phone"]);
        if (email?.Length > 64 || phone?.Length > 64)
            problems.Add("client (an e-mail or phone of at most 64 characters)");
        var customer = email is null && phone is null ? null : new CustomerInput(email, phone);

        if (problems.Count > 0)
            return new AtolReceiptRead(null, inn, "Ошибочные поля (wrong fields): " + string.Join(", ", problems.Distinct()), warning);
        return new AtolReceiptRead(
            new CloudReceiptRequest(registerId, externalId!, operation, items, payments, customer, basis, callback, version), inn, null, warning);
    }

    private static List<CloudReceiptItem> Items(JsonArray list, string version, List<string> problems)
    {
        if (list.Count is 0 or > MaxItems)
            problems.Add($"items (1 to {MaxItems})");
        var items = new List<CloudReceiptItem>();
        for (var i = 0; i < list.Count && i < MaxItems; i++)
        {
            var at = $"items[{i}]";
            if (list[i] is not JsonObject item)
            {
                problems.Add(at);
                continue;
            }
            var name = Text(item, "name", problems, 128, at);
            var price = Amount(item, "price", problems, at);
            var quantity = Number(item["quantity"]);
            if (quantity is not > 0)
                problems.Add($"{at}.quantity");
            var sum = Amount(item, "sum", problems, at);
            var vat = (item["vat"] as JsonObject)?["type"] is { } vatNode ? Scalar(vatNode) : null;
            if (vat is null)
                problems.Add($"{at}.vat.type");
            var method = Scalar(item["payment_method"]) ?? "full_prepayment";
            var methodCode = Array.IndexOf(PaymentMethods, method) + 1;
            if (methodCode == 0)
                problems.Add($"{at}.payment_method");
            var paymentObject = PaymentObjectOf(item["payment_object"]);
            if (paymentObject is null)
                problems.Add($"{at}.payment_object");
            var unit = item["measure"] is { } measure
                ? (int?)Number(measure) is { } code && Enum.IsDefined((MeasureUnit)code) ? code : -1
                : UnitOfText(Scalar(item["measurement_unit"]));
            if (unit < 0)
                problems.Add($"{at}.measure");
            var mark = MarkingCode(item, version, problems, at);
            items.Add(new CloudReceiptItem(name ?? "", price ?? 0, quantity ?? 0, sum ?? 0, vat ?? "", unit, paymentObject ?? 1, methodCode,
                Scalar(item["user_data"]), mark));
        }
        return items;
    }

    /// <summary>A marked unit's code: v5's <c>mark_code</c> (its <c>gs1m</c> is base64), or v4's <c>nomenclature_code</c> (hex of tag 1162).</summary>
    private static string? MarkingCode(JsonObject item, string version, List<string> problems, string at)
    {
        if (item["mark_code"] is JsonObject mark)
        {
            // Kept as sent, base64, the form a till's marked line carries too.
            if (Scalar(mark["gs1m"]) is { } gs1m)
            {
                if (!IsBase64(gs1m))
                    problems.Add($"{at}.mark_code.gs1m (base64)");
                return gs1m;
            }
            var other = mark.Select(p => Scalar(p.Value)).FirstOrDefault(v => v is { Length: > 0 });
            if (other is null)
                problems.Add($"{at}.mark_code");
            return other;
        }
        if (Scalar(item["nomenclature_code"]) is { } hex)
        {
            try
            {
                return Convert.ToBase64String(Encoding.ASCII.GetBytes(NomenclatureCode(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)))));
            }
            catch (FormatException)
            {
                problems.Add($"{at}.nomenclature_code (hex)");
            }
        }
        return null;
    }

    private static bool IsBase64(string text) => text.Length > 0 && Convert.TryFromBase64String(text, new byte[text.Length], out _);

    /// <summary>Tag 1162: two bytes of code type, six bytes of GTIN (big-endian), then the serial as text.</summary>
    private static string NomenclatureCode(byte[] bytes)
    {
        if (bytes.Length < 9)
            return Convert.ToHexString(bytes);
        long gtin = 0;
        for (var k = 2; k < 8; k++)
            gtin = (gtin << 8) | bytes[k];
        return $"01{gtin.ToString("D14", CultureInfo.InvariantCulture)}21{Encoding.ASCII.GetString(bytes, 8, bytes.Length - 8)}";
    }

    private static int? PaymentObjectOf(JsonNode? node)
    {
        if (node is null)
            return 1;
        if (node is JsonValue value && value.TryGetValue<int>(out var code))
            return Enum.IsDefined((PaymentObject)code) ? code : null;
        return Scalar(node) is { } name && PaymentObjects.TryGetValue(name, out var named) ? named : null;
    }

    private static List<PaymentInput> Payments(JsonArray? list, List<string> problems)
    {
        if (list is not { Count: > 0 and <= MaxPayments })
        {
            problems.Add($"payments (1 to {MaxPayments})");
            return [];
        }
        var payments = new List<PaymentInput>();
        for (var i = 0; i < list.Count; i++)
        {
            var at = $"payments[{i}]";
            var type = list[i] is JsonObject p ? (int?)Number(p["type"]) : null;
            var sum = list[i] is JsonObject q ? Amount(q, "sum", problems, at) : null;
            PaymentType? kind = type switch
            {
                0 => PaymentType.Cash,
                1 => PaymentType.Electronic,
                2 => PaymentType.Prepayment,
                3 => PaymentType.Credit,
                >= 4 and <= 9 => PaymentType.Other,
                _ => null,
            };
            if (kind is null)
                problems.Add($"{at}.type");
            else if (sum is not null)
                payments.Add(new PaymentInput(kind.Value, sum.Value));
        }
        return payments;
    }

    private static CorrectionInput? CorrectionOf(JsonObject? info, List<string> problems)
    {
        var type = info is null ? null : Scalar(info["type"]);
        if (type is not ("self" or "instruction"))
            problems.Add("correction_info.type (self or instruction)");
        if (info is null || !DateOnly.TryParseExact(Scalar(info["base_date"]), "dd.MM.yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            problems.Add("correction_info.base_date (dd.MM.yyyy)");
            return null;
        }
        return type is null ? null : new CorrectionInput(type, date, Scalar(info["base_number"]));
    }

    /// <summary>A v4 correction names no items: one line for the settlement it corrects, at the VAT rate of its first <c>vats</c> entry.</summary>
    private static CloudReceiptItem CorrectionLine(JsonObject document, IReadOnlyList<PaymentInput> payments)
    {
        var total = payments.Sum(p => p.Amount);
        var vat = (document["vats"] as JsonArray)?.OfType<JsonObject>().Select(v => Scalar(v["type"])).FirstOrDefault() ?? "none";
        return new CloudReceiptItem("Коррекция расчёта", total, 1, total, vat, 0, 4, 4);
    }

    private static List<T> Missing<T>(string field, List<string> problems)
    {
        problems.Add(field);
        return [];
    }

    private static string? Text(JsonObject parent, string field, List<string> problems, int max, string? at = null)
    {
        var text = Scalar(parent[field]);
        if (string.IsNullOrWhiteSpace(text) || text.Length > max)
        {
            problems.Add(at is null ? field : $"{at}.{field}");
            return null;
        }
        return text;
    }

    private static decimal? Amount(JsonObject parent, string field, List<string> problems, string at)
    {
        var value = Number(parent[field]);
        if (value is not >= 0 || value != Math.Round(value.Value, 2))
        {
            problems.Add($"{at}.{field}");
            return null;
        }
        return value;
    }

    private static decimal? Number(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<decimal>(out var number) ? number : null;

    private static string? Scalar(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
