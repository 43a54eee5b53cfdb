using Retail.Api.Access;
using Retail.Api.Catalog;
using Retail.Api.Http;
using Retail.Api.Stock;
using Retail.Common;
using Retail.Documents;

namespace Retail.Api.Documents;

/// <summary>What the document endpoints share: line checks and the caller's store scope.</summary>
public static class DocumentRequests
{
    /// <summary>The lines of a body as a document takes them, or the first problem: shape, then every SKU known.</summary>
    public static async Task<(IReadOnlyList<DocumentLine>? Lines, DomainError? Error)> CheckLinesAsync(
        KnownCatalog known, IReadOnlyList<DocumentLineBody>? body, string field, bool allowZero = false)
    {
        if (Lines(body, field) is { } shape)
            return (null, shape);
        var lines = body!.Select(l => new DocumentLine(l.Sku!, l.Quantity!.Value)).ToList();
        return (DocumentLines.Check(lines, field, allowZero) ?? await UnknownSkuAsync(known, lines.Select(l => l.Sku), field)) is { } invalid
            ? (null, invalid)
            : (lines, null);
    }

    /// <summary>Missing lines, SKUs or quantities (the rest is the document's own check).</summary>
    public static DomainError? Lines(IReadOnlyList<DocumentLineBody>? body, string field) =>
        Lines(body, field, (line, at) => Validation.First(Validation.Key(line.Sku, $"{at}.sku"), Validation.Required(line.Quantity, $"{at}.quantity")));

    /// <summary>A line list of any document: 1 to the most lines, none missing, each passing <paramref name="line"/> (given its path, as "lines[2]").</summary>
    public static DomainError? Lines<T>(IReadOnlyList<T>? body, string field, Func<T, string, DomainError?> line) where T : class
    {
        if (body is not { Count: > 0 and <= Transfers.MaxLines })
            return new DomainError(ErrorCodes.ValidationFailed, $"A document has 1 to {Transfers.MaxLines} lines.", field);
        for (var i = 0; i < body.Count; i++)
        {
            var at = $"{field}[{i}]";
            if ((body[i] is null ? new DomainError(ErrorCodes.ValidationFailed, "A line is required.", at) : line(body[i], at)) is { } error)
                return error;
        }
        return null;
    }

    /// <summary>The first SKU of the lines that is not known, with the line it is on; every SKU asked in one round of grain calls.</summary>
    public static async Task<DomainError?> UnknownSkuAsync(KnownCatalog known, IEnumerable<string> skus, string field)
    {
        var checks = await Task.WhenAll(skus.Select(sku => known.CheckSkuAsync(sku)));
        for (var i = 0; i < checks.Length; i++)
            if (checks[i] is { } unknown)
                return unknown with { Field = $"{field}[{i}].sku" };
        return null;
    }

    /// <summary>A manager acts only for its own stores; refused before anything changes.</summary>
    public static DomainError? OutOfScope(HttpContext context, string storeId) => OutOfScope(context.GetApiCaller(), storeId);

    public static DomainError? OutOfScope(ApiCaller? caller, string storeId) =>
        caller is not null && !caller.MayUseStore(storeId)
            ? new DomainError(ErrorCodes.Forbidden, $"This key is not scoped to store '{storeId}'.")
            : null;
}
