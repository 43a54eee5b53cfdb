using System.Globalization;
using MiniExcelLibs;
using Retail.Common;
using Sylvan.Data.Csv;

namespace Retail.Api.Imports;

public enum TableFormat { Csv, Xlsx }

/// <summary>One data row of an uploaded table: its number as a spreadsheet shows it (the header is row 1) and its cells by column name.</summary>
public sealed record ImportRow(int Number, IReadOnlyDictionary<string, string> Cells)
{
    public string? this[string column] => Cells.TryGetValue(column, out var value) && value.Length > 0 ? value : null;
}

/// <summary>
/// Reads an uploaded CSV or XLSX file row by row, never the whole file at once. A CSV may be
/// separated by commas, semicolons (as a spreadsheet saves it in a Russian locale) or tabs; column
/// names are matched without regard to case. Empty rows are passed over.
/// </summary>
public static class ImportTable
{
    public const long MaxBytes = 50L * 1024 * 1024;
    public const int MaxRows = 200_000;

    public static TableFormat? FormatOf(string? fileName, string? format = null)
    {
        var name = format ?? Path.GetExtension(fileName ?? "").TrimStart('.');
        return name.ToLowerInvariant() switch
        {
            "csv" => TableFormat.Csv,
            "xlsx" => TableFormat.Xlsx,
            _ => null,
        };
    }

    public static IEnumerable<ImportRow> Read(Stream stream, TableFormat format) =>
        format == TableFormat.Csv ? ReadCsv(stream) : ReadXlsx(stream);

    /// <summary>Counts the data rows up to one past the limit, so an oversized file is refused before anything is applied.</summary>
    public static DomainError? Check(Stream stream, TableFormat format, IReadOnlyList<string> requiredColumns)
    {
        var rows = 0;
        try
        {
            foreach (var row in Read(stream, format))
            {
                if (rows == 0 && requiredColumns.FirstOrDefault(c => !row.Cells.ContainsKey(c)) is { } missing)
                    return new DomainError(ErrorCodes.ValidationFailed, $"The header row has no column {missing}.", "file");
                if (++rows > MaxRows)
                    return new DomainError(ErrorCodes.PayloadTooLarge, $"A file holds at most {MaxRows} rows.", "file");
            }
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return new DomainError(ErrorCodes.ValidationFailed, $"The file cannot be read as {format.ToString().ToUpperInvariant()}: {error.Message}", "file");
        }
        return rows == 0 ? new DomainError(ErrorCodes.ValidationFailed, "The file has a header row and no data rows.", "file") : null;
    }

    private static IEnumerable<ImportRow> ReadCsv(Stream stream)
    {
        using var text = new StreamReader(stream, leaveOpen: true);
        // No comment character: a row that starts with '#' is data like any other.
        using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true, Comment = '\0' });
        var names = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetName(i).Trim()).ToArray();
        if (names.Where(n => n.Length > 0).GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InvalidDataException($"the header names column {twice.Key} twice");
        var number = 1;
        while (csv.Read())
        {
            number++;
            // Every column of the header is in every row, empty where a short row ends early.
            var cells = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < names.Length; i++)
                if (names[i].Length > 0)
                    cells[names[i]] = i < csv.RowFieldCount ? csv.GetString(i).Trim() : "";
            if (cells.Values.Any(v => v.Length > 0))
                yield return new ImportRow(number, cells);
        }
    }

    private static IEnumerable<ImportRow> ReadXlsx(Stream stream)
    {
        var number = 1;
        foreach (IDictionary<string, object?> row in stream.Query(useHeaderRow: true, excelType: ExcelType.XLSX))
        {
            number++;
            var cells = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in row)
                if (!string.IsNullOrWhiteSpace(name))
                    cells[name.Trim()] = Cell(value);
            if (cells.Values.Any(v => v.Length > 0))
                yield return new ImportRow(number, cells);
        }
    }

    /// <summary>A spreadsheet cell as the text a CSV would carry: numbers invariant, dates ISO 8601.</summary>
    private static string Cell(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)?.Trim() ?? "",
    };

    /// <summary>Writes rows under a header, as CSV (comma-separated, quoted where needed) or as an XLSX sheet.</summary>
    public static async Task WriteAsync(Stream output, TableFormat format, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<object?>> rows)
    {
        if (format == TableFormat.Xlsx)
        {
            var sheet = rows.Select(r =>
            {
                var cells = new Dictionary<string, object?>();
                for (var i = 0; i < columns.Count; i++)
                    cells[columns[i]] = i < r.Count ? (r[i] is DateTimeOffset time ? Text(time) : r[i]) : null;
                return cells;
            });
            // The sheet is built in memory first: the spreadsheet library writes synchronously.
            using var buffer = new MemoryStream();
            buffer.SaveAs(sheet, excelType: ExcelType.XLSX);
            buffer.Position = 0;
            await buffer.CopyToAsync(output);
            return;
        }
        await using var writer = new StreamWriter(output, leaveOpen: true);
        await writer.WriteLineAsync(string.Join(",", columns.Select(Quote)));
        foreach (var row in rows)
            await writer.WriteLineAsync(string.Join(",", row.Select(v => Quote(v is string text ? Inert(text) : Text(v)))));
    }

    /// <summary>
    /// Text a spreadsheet would take for a formula (it starts with =, +, -, @, a tab or a carriage return) is written
    /// with a leading apostrophe, so opening an export never runs what someone typed into a reason or a name.
    /// </summary>
    public static string Inert(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    private static string Text(object? value) => value switch
    {
        null => "",
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r', ';']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static string ContentType(TableFormat format) => format == TableFormat.Csv ? "text/csv; charset=utf-8" : XlsxContentType;
}
