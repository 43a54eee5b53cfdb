using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Access;
using Retail.Api.Access;
using Retail.Api.Http;
using Retail.Common;
using Retail.Registers;

namespace Retail.Api.Registers;

/// <summary>A receipt's QR code as an image, for pages that show the receipt as the buyer sees it.</summary>
public static class ReceiptQrApi
{
    public static IEndpointRouteBuilder MapReceiptQrApi(this IEndpointRouteBuilder routes)
    {
        // The same callers as GET .../receipts/{receiptId}: the register's cashiers and admins.
        routes.MapGet("/api/v1/registers/{registerId}/receipts/{receiptId}/qr.png", GetQr).WithTags("Registers").WithName("GetReceiptQr")
            .WithSummary("The receipt's QR code (the string to check it with the tax service) as a PNG")
            .RequireRole(ApiRole.Cashier).ScopedToRegister()
            .Produces<Stream>(StatusCodes.Status200OK, "image/png")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetQr(
        string registerId, string receiptId, IGrainFactory grains, HttpContext context)
    {
        if (Validation.Key(registerId, "registerId") is not null || !Identifiers.IsValidClientId(receiptId)
            || await grains.Get<IRegisterGrain>(GrainKeys.Register(registerId)).GetReceiptAsync(receiptId) is not { } receipt)
            return Problems.NotFound($"Receipt {receiptId}");
        // A fiscal document never changes, so its picture may be kept, but only by this caller's browser.
        context.Response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.File(ReceiptQrImage.Png(receipt.Qr), "image/png");
    }
}
