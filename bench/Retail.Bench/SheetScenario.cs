using MiniExcelLibs;

namespace Retail.Bench;

/// <summary>Turns a generated CSV (a header row, then comma-separated rows without quotes) into an .xlsx sheet, streaming.</summary>
public static class SheetScenario
{
    public static Task<int> RunAsync(BenchOptions options)
    {
        var from = options.Required("from");
        var to = options.Required("to");
        using var lines = File.OpenText(from);
        var header = (lines.ReadLine() ?? throw new UsageException($"{from} is empty.")).Split(',');
        File.Delete(to);
        MiniExcel.SaveAs(to, Rows(lines, header), excelType: ExcelType.XLSX);
        Console.WriteLine($"{to}: {new FileInfo(to).Length / 1024.0 / 1024.0:0.0} MB");
        return Task.FromResult(0);
    }

    private static IEnumerable<Dictionary<string, object>> Rows(StreamReader lines, string[] header)
    {
        while (lines.ReadLine() is { Length: > 0 } line)
        {
            var cells = line.Split(',');
            var row = new Dictionary<string, object>(header.Length);
            for (var i = 0; i < header.Length; i++)
                row[header[i]] = i < cells.Length ? cells[i] : "";
            yield return row;
        }
    }
}
