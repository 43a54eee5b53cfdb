using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Retail.Access;
using Retail.Api.Access;
using Retail.Api.Catalog;
using Retail.Api.Http;
using Retail.Api.Stock;
using Retail.Catalog;
using Retail.Common;
using Retail.Stock;

namespace Retail.Api.Imports;

/// <summary>The upload an import takes: the .xlsx or .csv file in the multipart field <c>file</c>.</summary>
public sealed record ImportUpload(IFormFile File);

/// <summary>
/// Bulk import of the catalog, stock movements and online orders from an .xlsx or .csv file, their
/// templates, and the export of a store's stock and movements. Good rows are applied, bad ones reported
/// by row number; a row keyed by its document id (a SKU code, a movement id, an order id) is applied
/// once however often it is uploaded. A row refused as <c>unavailable</c> (nothing changed) is tried
/// again a few times before it is reported.
/// </summary>
public static class ImportsApi
{
    /// <summary>Rows in flight at once: enough to keep the grains busy, few enough to leave the API its other callers.</summary>
    private const int RowsInFlight = 16;

    /// <summary>Failures listed in one answer; the count beyond it is still exact.</summary>
    public const int MaxListedFailures = 1000;

    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Imports and exports");
        api.MapPost("/imports/{kind}", Import).WithName("Import")
            .WithSummary("Import catalog rows or stock movements from an .xlsx or .csv file (multipart field 'file')")
            .RequireRole(ApiRole.Manager, ApiRole.Integration).DisableAntiforgery().Accepts<ImportUpload>("multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapGet("/imports/{kind}/template", Template).WithName("ImportTemplate")
            .WithSummary("The import's template: its header row and an example row").AllowAnyRole()
            .Produces<string>(StatusCodes.Status200OK, "text/csv", ImportTable.XlsxContentType).ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/exports/stock", ExportStock).WithName("ExportStock")
            .WithSummary("A store's stock levels as .xlsx or .csv").RequireRole(ApiRole.Manager).ScopedToStore()
            .Produces<string>(StatusCodes.Status200OK, "text/csv", ImportTable.XlsxContentType).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/exports/movements", ExportMovements).WithName("ExportMovements")
            .WithSummary("A store's stock movements recorded in [from, to) as .xlsx or .csv, by SKU and version").RequireRole(ApiRole.Manager).ScopedToStore()
            .Produces<string>(StatusCodes.Status200OK, "text/csv", ImportTable.XlsxContentType).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static ImportKind? KindOf(string kind) => kind switch
    {
        "catalog" => ImportKind.Catalog,
        "stock" => ImportKind.Stock,
        "orders" => ImportKind.Orders,
        _ => null,
    };

    private static async Task<Results<Ok<ImportResult>, ProblemHttpResult>> Import(
        string kind, HttpContext context, IGrainFactory grains, KnownCatalog known, IOptions<JsonOptions> options)
    {
        if (KindOf(kind) is not { } importKind)
            return Problems.Validation("kind", "Import catalog, stock or orders.");
        var caller = context.GetApiCaller()!;
        if (importKind == ImportKind.Catalog && !caller.IsAdmin)
            return Problems.Of(new DomainError(ErrorCodes.Forbidden, "Only an admin key imports the catalog."));
        if (!context.Request.HasFormContentType)
            return Problems.Validation("file", "Send the file as multipart/form-data in the field 'file'.");
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception error) when (error is InvalidDataException or IOException && !context.RequestAborted.IsCancellationRequested)
        {
            return Problems.Validation("file", $"The multipart body cannot be read: {error.Message}");
        }
        if (form.Files.GetFile("file") is not { } file)
            return Problems.Validation("file", "Send the file as multipart/form-data in the field 'file'.");
        if (file.Length > ImportTable.MaxBytes)
            return Problems.Of(new DomainError(ErrorCodes.PayloadTooLarge, $"A file is at most {ImportTable.MaxBytes / (1024 * 1024)} MB.", "file"));
        if (ImportTable.FormatOf(file.FileName) is not { } format)
            return Problems.Validation("file", "Upload an .xlsx or a .csv file.");

        // The first pass only counts and checks the header: a file refused as a whole changes nothing.
        await using (var first = file.OpenReadStream())
        {
            if (ImportTable.Check(first, format, ImportRows.Required(importKind)) is { } refused)
                return Problems.Of(refused);
        }

        var json = options.Value.SerializerOptions;
        var outcome = new Outcome(context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System, context.RequestAborted);
        await using var stream = file.OpenReadStream();
        var rows = ImportTable.Read(stream, format);
        var import = importKind switch
        {
            ImportKind.Catalog => ImportCatalogAsync(rows, grains, json, outcome, context.RequestAborted),
            ImportKind.Stock => ImportStockAsync(rows, grains, known, json, caller, outcome, context.RequestAborted),
            _ => ImportOrdersAsync(rows, grains, known, caller, outcome, context.RequestAborted),
        };
        await import;
        return TypedResults.Ok(outcome.Result());
    }

    private static Task ImportCatalogAsync(IEnumerable<ImportRow> rows, IGrainFactory grains, JsonSerializerOptions json, Outcome outcome, CancellationToken cancellation) =>
        InLanesAsync(rows, row => row["sku"] ?? "", async row =>
        {
            var failures = new List<RowFailure>();
            if (ImportRows.Catalog(row, json, failures) is not var (code, request))
            {
                outcome.Fail(failures);
                return;
            }
            var (definition, error) = CatalogApi.SkuDefinition(code, request);
            if (error is not null)
            {
                outcome.Fail(ImportRows.Failure(row, error));
                return;
            }
            var skuGrain = grains.Get<ISkuGrain>(GrainKeys.Sku(code));
            if (await skuGrain.GetAsync() is { } existing)
            {
                // A catalog row has no recipe or supply columns: what the SKU has of them stays.
                definition = definition! with
                {
                    Components = definition.Kind is SkuKind.Dish or SkuKind.Service ? existing.Components : [],
                    Supply = definition.Supply ?? existing.Supply,
                };
                if (Same(existing, definition, json))
                {
                    outcome.Skip();
                    return;
                }
            }
            var (result, _) = await outcome.PatientlyAsync(() => skuGrain.DefineAsync(definition!), r => r.Error);
            if (result.Error is { } refused)
                outcome.Fail(ImportRows.Failure(row, refused));
            else
                outcome.Import();
        }, cancellation);

    private static bool Same(Sku existing, Sku definition, JsonSerializerOptions json) =>
        JsonSerializer.Serialize(SkuView.Of(existing), json) == JsonSerializer.Serialize(SkuView.Of(definition), json);

    private static Task ImportStockAsync(
        IEnumerable<ImportRow> rows, IGrainFactory grains, KnownCatalog known, JsonSerializerOptions json, ApiCaller caller, Outcome outcome, CancellationToken cancellation)
    {
        // Stores and SKUs are checked once per import, not once per row.
        var asked = new ConcurrentDictionary<string, Task<DomainError?>>();
        async Task<DomainError?> CheckOnceAsync(string key, Func<Task<DomainError?>> check)
        {
            var task = asked.GetOrAdd(key, _ => check());
            try
            {
                return await task;
            }
            catch
            {
                // A check that failed (the cluster busy) is asked again by the next row, not remembered.
                asked.TryRemove(new KeyValuePair<string, Task<DomainError?>>(key, task));
                throw;
            }
        }
        return InLanesAsync(rows, row => row["storeId"] + "/" + row["sku"], async row =>
        {
            var failures = new List<RowFailure>();
            if (ImportRows.Stock(row, json, failures) is not var (storeId, sku, request))
            {
                outcome.Fail(failures);
                return;
            }
            var error = Validation.First(Validation.Key(storeId, "storeId"), Validation.Key(sku, "sku"), StockApi.ManualMovementError(request));
            if (error is null && !caller.MayUseStore(storeId))
                error = new DomainError(ErrorCodes.Forbidden, $"This key is not scoped to store '{storeId}'.", "storeId");
            error ??= await CheckOnceAsync("store:" + storeId, () => known.CheckStoreAsync(storeId));
            error ??= await CheckOnceAsync("pair:" + storeId + "/" + sku, () => known.CheckPairAsync(storeId, sku));
            if (error is not null)
            {
                outcome.Fail(ImportRows.Failure(row, error));
                return;
            }
            var stock = grains.Get<IStockGrain>(GrainKeys.Stock(storeId, sku));
            var (result, retried) = await outcome.PatientlyAsync(() => stock.ApplyAsync(StockApi.ManualMovement(request)), r => r.Error);
            if (result.Error is { } refused)
                outcome.Fail(ImportRows.Failure(row, refused));
            else if (result.Replayed && !retried)
                outcome.Skip();
            else
                outcome.Import();
        }, cancellation);
    }

    /// <summary>
    /// Rows of one key (a SKU, a store's pair) are applied one after another in the file's order, so a
    /// pair's movements keep the order of the file; rows of different keys go in parallel lanes.
    /// </summary>
    private static async Task InLanesAsync(IEnumerable<ImportRow> rows, Func<ImportRow, string> keyOf, Func<ImportRow, Task> apply, CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var lanes = Enumerable.Range(0, RowsInFlight).Select(_ => Channel.CreateBounded<ImportRow>(256)).ToArray();
        var workers = lanes.Select(lane => Task.Run(async () =>
        {
            try
            {
                await foreach (var row in lane.Reader.ReadAllAsync(stop.Token))
                    await apply(row);
            }
            catch
            {
                // One lane failed: the others stop too, and the import answers with its error.
                await stop.CancelAsync();
                throw;
            }
        }, CancellationToken.None)).ToArray();
        try
        {
            foreach (var row in rows)
                await lanes[(StringComparer.Ordinal.GetHashCode(keyOf(row)) & int.MaxValue) % lanes.Length].Writer.WriteAsync(row, stop.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            // A lane failed and stopped the others: its error is thrown below.
        }
        finally
        {
            foreach (var lane in lanes)
                lane.Writer.TryComplete();
            // Every lane has ended before the import answers, whatever happened: no row is applied after it.
            await Task.WhenAll(workers.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
        await Task.WhenAll(workers);
    }

    /// <summary>
    /// Rows are grouped by orderId (an order's lines may be anywhere in the file); each order is created
    /// as by POST /orders, reserving all its lines or none, and counted once: imported, skipped (the
    /// same order already there) or failed, at the row at fault or else at the order's first row.
    /// </summary>
    private static Task ImportOrdersAsync(IEnumerable<ImportRow> rows, IGrainFactory grains, KnownCatalog known, ApiCaller caller, Outcome outcome, CancellationToken cancellation)
    {
        var orders = new Dictionary<string, List<ImportRow>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row["orderId"] is not { } id)
            {
                outcome.Fail(new RowFailure(row.Number, "orderId", ErrorCodes.ValidationFailed, "This field is required."));
                continue;
            }
            if (!orders.TryGetValue(id, out var lines))
                orders[id] = lines = [];
            lines.Add(row);
        }
        return Parallel.ForEachAsync(orders.Values, new ParallelOptions { MaxDegreeOfParallelism = RowsInFlight, CancellationToken = cancellation }, async (lines, _) =>
        {
            var failures = new List<RowFailure>();
            if (ImportRows.Order(lines, failures) is not { } body)
            {
                outcome.Fail(failures);
                return;
            }
            var ((request, error), _) = await outcome.PatientlyAsync(() => Documents.OrdersApi.RequestOfAsync(body, grains, known, caller), r => r.Error);
            var order = Documents.OrdersApi.Order(grains, body.Id!);
            var (created, retried) = error is null ? await outcome.PatientlyAsync(() => order.CreateAsync(request!), r => r.Error) : default;
            error ??= created!.Error;
            if (error is not null)
                outcome.Fail(ImportRows.Failure(AtFault(lines, error), error));
            else if (created!.Replayed && !retried)
                outcome.Skip();
            else
                outcome.Import();
        });
    }

    /// <summary>The row a refusal of an order names by its field (lines[2].sku is the order's third row), else the order's first row.</summary>
    private static ImportRow AtFault(IReadOnlyList<ImportRow> lines, DomainError error)
    {
        var match = error.Field is { } field ? System.Text.RegularExpressions.Regex.Match(field, @"^lines\[(\d+)\]") : null;
        return match is { Success: true } && int.TryParse(match.Groups[1].Value, out var index) && index < lines.Count ? lines[index] : lines[0];
    }

    private static async Task Template(string kind, HttpContext context, string? format = "csv")
    {
        if (KindOf(kind) is not { } importKind || ImportTable.FormatOf(null, format) is not { } tableFormat)
        {
            await Problems.Validation(KindOf(kind) is null ? "kind" : "format", "Ask for the catalog, stock or orders template as csv or xlsx.").ExecuteAsync(context);
            return;
        }
        Attach(context, $"{kind}-template", tableFormat);
        await ImportTable.WriteAsync(context.Response.Body, tableFormat, ImportRows.Columns(importKind), [ImportRows.Example(importKind)]);
    }

    public static readonly IReadOnlyList<string> StockExportColumns = ["storeId", "sku", "onHand", "reserved", "available", "incoming", "version"];

    private static async Task ExportStock(string storeId, HttpContext context, IGrainFactory grains, KnownCatalog known, string? format = "csv")
    {
        if (ImportTable.FormatOf(null, format) is not { } tableFormat)
        {
            await Problems.Validation("format", "Export as csv or xlsx.").ExecuteAsync(context);
            return;
        }
        if (await known.CheckStoreAsync(storeId) is { } unknown)
        {
            await Problems.Of(unknown).ExecuteAsync(context);
            return;
        }
        var levels = (await grains.Get<IStoreStockGrain>(GrainKeys.Store(storeId)).ListAsync()).OrderBy(l => l.Sku, StringComparer.Ordinal);
        Attach(context, $"stock-{storeId}", tableFormat);
        await ImportTable.WriteAsync(context.Response.Body, tableFormat, StockExportColumns,
            levels.Select(l => (IReadOnlyList<object?>)[storeId, l.Sku, l.OnHand, l.Reserved, l.Available, l.Incoming, l.Version]));
    }

    public static readonly IReadOnlyList<string> MovementExportColumns =
    [
        "storeId", "sku", "version", "id", "type", "quantity", "onHandDelta", "reservedDelta", "incomingDelta", "onHandAfter", "reservedAfter",
        "incomingAfter", "occurredAt", "recordedAt", "reason", "documentKind", "documentId",
    ];

    /// <summary>History pages read per pair: newest first, until one is older than <c>from</c>.</summary>
    private const int HistoryPage = 1000;

    private static async Task ExportMovements(string storeId, HttpContext context, IGrainFactory grains, KnownCatalog known, string? from = null, string? to = null, string? format = "csv")
    {
        DateTimeOffset since = DateTimeOffset.MinValue, until = DateTimeOffset.MaxValue;
        var tableFormat = ImportTable.FormatOf(null, format);
        var error = tableFormat is null ? new DomainError(ErrorCodes.ValidationFailed, "Export as csv or xlsx.", "format") : null;
        if (error is null && from is not null)
            error = Validation.Timestamp(from, "from", out since);
        if (error is null && to is not null)
            error = Validation.Timestamp(to, "to", out until);
        if (error is null && since >= until)
            error = new DomainError(ErrorCodes.ValidationFailed, "'from' is before 'to'.", "to");
        error ??= await known.CheckStoreAsync(storeId);
        if (error is not null)
        {
            await Problems.Of(error).ExecuteAsync(context);
            return;
        }
        var movements = new List<StockMovementRecord>();
        foreach (var sku in (await grains.Get<IStoreStockGrain>(GrainKeys.Store(storeId)).ListAsync()).Select(l => l.Sku).Order(StringComparer.Ordinal))
        {
            var pair = new List<StockMovementRecord>();
            for (long? before = null; ;)
            {
                var page = await grains.Get<IStockGrain>(GrainKeys.Stock(storeId, sku)).HistoryAsync(HistoryPage, before);
                pair.AddRange(page.Where(m => m.RecordedAt >= since && m.RecordedAt < until));
                if (page.Count < HistoryPage || page[^1].RecordedAt < since)
                    break;
                before = page[^1].Version;
            }
            movements.AddRange(pair.OrderBy(m => m.Version));
        }
        Attach(context, $"movements-{storeId}", tableFormat!.Value);
        await ImportTable.WriteAsync(context.Response.Body, tableFormat.Value, MovementExportColumns,
            movements.Select(m => (IReadOnlyList<object?>)[m.StoreId, m.Sku, m.Version, m.MovementId, JsonNamingPolicy.CamelCase.ConvertName(m.Type.ToString()),
                m.Quantity, m.OnHandDelta, m.ReservedDelta, m.IncomingDelta, m.OnHandAfter, m.ReservedAfter, m.IncomingAfter, m.OccurredAt, m.RecordedAt,
                m.Reason, m.Document?.Kind, m.Document?.Id]));
    }

    private static void Attach(HttpContext context, string name, TableFormat format)
    {
        context.Response.ContentType = ImportTable.ContentType(format);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}.{format.ToString().ToLowerInvariant()}\"";
    }

    private sealed class Outcome(TimeProvider clock, CancellationToken cancellation)
    {
        /// <summary>The pauses before each new try of a row refused as unavailable: about 1.5 s in all.</summary>
        private static readonly TimeSpan[] Pauses = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(900)];

        private int imported, skipped;
        private readonly List<RowFailure> failed = [];

        /// <summary>
        /// Set once a row has used up its tries (a dependency down, it seems), so the rows after it get one try each;
        /// cleared by the next step that is not refused as unavailable, so a moment of contention costs only that row.
        /// </summary>
        private volatile bool outOfPatience;

        /// <summary>
        /// Applies a row's step, again while it is refused as <c>unavailable</c> (a hot pair's commit outwaited by others,
        /// the database away for a moment): such a refusal changed nothing and the row carries its id, so a new try is
        /// safe. <c>Retried</c> says an earlier try was refused so: a "replayed" answer after it is this row's own write.
        /// </summary>
        public async Task<(T Result, bool Retried)> PatientlyAsync<T>(Func<Task<T>> step, Func<T, DomainError?> errorOf)
        {
            for (var attempt = 0; ; attempt++)
            {
                var result = await step();
                if (errorOf(result)?.Code != ErrorCodes.Unavailable)
                {
                    outOfPatience = false;
                    return (result, attempt > 0);
                }
                if (outOfPatience)
                    return (result, attempt > 0);
                if (attempt == Pauses.Length)
                {
                    outOfPatience = true;
                    return (result, true);
                }
                await Task.Delay(Pauses[attempt], clock, cancellation);
            }
        }

        public void Import() => Interlocked.Increment(ref imported);

        public void Skip() => Interlocked.Increment(ref skipped);

        public void Fail(params IEnumerable<RowFailure> failures)
        {
            lock (failed)
                failed.AddRange(failures);
        }

        /// <summary>The first failures by row number (the same list whatever order the lanes finished in).</summary>
        public ImportResult Result()
        {
            lock (failed)
                return new ImportResult(imported, skipped, failed.Count, failed.OrderBy(f => f.Row).Take(MaxListedFailures).ToList());
        }
    }
}
