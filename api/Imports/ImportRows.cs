using System.Globalization;
using System.Text.Json;
using Retail.Api.Catalog;
using Retail.Api.Stock;
using Retail.Catalog;
using Retail.Common;
using Retail.Registers.Fiscal;
using Retail.Stock;

namespace Retail.Api.Imports;

/// <summary>Why one row was not imported: its spreadsheet row number, the column at fault (if one is) and the stable code.</summary>
public sealed record RowFailure(int Row, string? Column, string Code, string Detail);

/// <summary>What an import did: rows applied, rows already there (a file uploaded again), rows refused (the first 1,000 listed).</summary>
public sealed record ImportResult(int Imported, int Skipped, int FailedCount, IReadOnlyList<RowFailure> Failed);

public enum ImportKind { Catalog, Stock, Orders }

/// <summary>
/// The columns of each import and how a row becomes the same request the single-item endpoint takes,
/// so an imported row is checked by exactly the rules of PUT /skus/{sku} or POST .../movements.
/// </summary>
public static class ImportRows
{
    public static readonly IReadOnlyList<string> CatalogColumns = ["sku", "name", "unit", "vat", "price", "kind", "marked", "barcodes"];
    public static readonly IReadOnlyList<string> CatalogRequired = ["sku", "name", "unit", "vat", "price", "kind"];
    public static readonly IReadOnlyList<string> StockColumns = ["id", "storeId", "sku", "type", "quantity", "reason", "occurredAt"];
    public static readonly IReadOnlyList<string> StockRequired = ["id", "storeId", "sku", "type", "quantity"];

    /// <summary>One row per order line; the rows of one order share its orderId, and its buyer and deal come from its first row.</summary>
    public static readonly IReadOnlyList<string> OrderColumns = ["orderId", "storeId", "sku", "quantity", "price", "email", "phone", "crmDealId", "reserveMinutes"];
    public static readonly IReadOnlyList<string> OrderRequired = ["orderId", "storeId", "sku", "quantity", "price"];

    public static IReadOnlyList<string> Columns(ImportKind kind) => kind switch
    {
        ImportKind.Catalog => CatalogColumns,
        ImportKind.Stock => StockColumns,
        _ => OrderColumns,
    };

    public static IReadOnlyList<string> Required(ImportKind kind) => kind switch
    {
        ImportKind.Catalog => CatalogRequired,
        ImportKind.Stock => StockRequired,
        _ => OrderRequired,
    };

    /// <summary>The template's example row.</summary>
    public static IReadOnlyList<object?> Example(ImportKind kind) => kind switch
    {
        ImportKind.Catalog => ["milk-1l", "Milk 3.2% 1 l", "pcs", "vat10", 89.90m, "goods", "false", "4607001234567;4607001234574"],
        ImportKind.Stock => ["gr-2026-0001", "store-1", "milk-1l", "goodsReceipt", 120m, "delivery", "2026-03-02T09:00:00+03:00"],
        _ => ["web-10001", "store-1", "milk-1l", 2m, 89.90m, "buyer@example.ru", "", "deal-5521", 30],
    };

    public static (string Sku, PutSkuRequest Request)? Catalog(ImportRow row, JsonSerializerOptions json, List<RowFailure> failures)
    {
        var cells = new Cells(row, failures);
        var request = new PutSkuRequest(
            row["name"], cells.Enum<MeasureUnit>("unit", json), cells.Enum<VatRate>("vat", json), cells.Decimal("price"), cells.Enum<SkuKind>("kind", json),
            cells.Bool("marked"), row["barcodes"]?.Split([';', '|'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            null, null);
        return cells.Failed ? null : (row["sku"] ?? "", request);
    }

    public static (string StoreId, string Sku, MovementRequest Request)? Stock(ImportRow row, JsonSerializerOptions json, List<RowFailure> failures)
    {
        var cells = new Cells(row, failures);
        var request = new MovementRequest(row["id"], cells.Enum<MovementType>("type", json), cells.Decimal("quantity"), row["reason"], cells.Time("occurredAt"));
        return cells.Failed ? null : (row["storeId"] ?? "", row["sku"] ?? "", request);
    }

    /// <summary>One order from its rows (in file order), or null when a cell of one of them cannot be read.</summary>
    public static Documents.OrderBody? Order(IReadOnlyList<ImportRow> rows, List<RowFailure> failures)
    {
        var lines = new List<Documents.OrderLineBody>();
        int? reserveMinutes = null;
        foreach (var row in rows)
        {
            var cells = new Cells(row, failures);
            var line = new Documents.OrderLineBody(row["sku"], cells.Decimal("quantity"), cells.Decimal("price"));
            if (row == rows[0] && cells.Decimal("reserveMinutes") is { } minutes)
                reserveMinutes = minutes is >= 1 and <= 100_000 && minutes == Math.Floor(minutes) ? (int?)minutes : cells.Fail<int>("reserveMinutes", "Whole minutes are required.");
            if (cells.Failed)
                return null;
            lines.Add(line);
        }
        var first = rows[0];
        var customer = first["email"] is null && first["phone"] is null ? null : new Registers.CustomerBody(first["email"], first["phone"]);
        return new Documents.OrderBody(first["orderId"], first["storeId"], lines, customer, first["crmDealId"], reserveMinutes);
    }

    public static RowFailure Failure(ImportRow row, DomainError error) => new(row.Number, error.Field, error.Code, error.Detail);

    /// <summary>Typed reads of a row's cells; the first unreadable cell of a row is its failure.</summary>
    private sealed class Cells(ImportRow row, List<RowFailure> failures)
    {
        public bool Failed { get; private set; }

        public decimal? Decimal(string column)
        {
            if (row[column] is not { } text)
                return null;
            // A spreadsheet in a Russian locale writes 89,90: a lone comma is the decimal separator.
            if (!text.Contains('.') && text.Count(c => c == ',') == 1)
                text = text.Replace(',', '.');
            if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                return value;
            return Fail<decimal>(column, "A number such as 12.5 is required.");
        }

        public bool? Bool(string column) => row[column]?.ToLowerInvariant() switch
        {
            null => null,
            "true" or "1" or "yes" or "да" => true,
            "false" or "0" or "no" or "нет" => false,
            _ => Fail<bool>(column, "true or false is required."),
        };

        public T? Enum<T>(string column, JsonSerializerOptions json) where T : struct
        {
            if (row[column] is not { } text)
                return null;
            try
            {
                return JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(text), json);
            }
            catch (JsonException)
            {
                return Fail<T>(column, $"'{text}' is not a known {column}.");
            }
        }

        public DateTimeOffset? Time(string column)
        {
            if (row[column] is not { } text)
                return null;
            if (Http.Validation.Timestamp(text, column, out var time) is { } error)
                return Fail<DateTimeOffset>(column, error.Detail);
            return time;
        }

        /// <summary>Records the row's failure at this column (only its first); the value is then null.</summary>
        public TValue? Fail<TValue>(string column, string detail) where TValue : struct
        {
            if (!Failed)
                failures.Add(new RowFailure(row.Number, column, ErrorCodes.ValidationFailed, detail));
            Failed = true;
            return null;
        }
    }
}
