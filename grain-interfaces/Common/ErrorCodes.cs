namespace Retail.Common;

/// <summary>The stable error codes of the HTTP API (API.md, "Errors").</summary>
public static class ErrorCodes
{
    public const string ValidationFailed = "validation_failed";
    public const string NotFound = "not_found";
    public const string UnknownSku = "unknown_sku";
    public const string UnknownStore = "unknown_store";
    public const string IdempotencyConflict = "idempotency_conflict";
    public const string InsufficientStock = "insufficient_stock";
    public const string StaleQuantity = "stale_quantity";
    public const string ShiftNotOpen = "shift_not_open";
    public const string ShiftAlreadyOpen = "shift_already_open";
    public const string ShiftExpired = "shift_expired";
    public const string OfdBlocked = "ofd_blocked";
    public const string MarkingCodeAlreadySold = "marking_code_already_sold";
    public const string UnsupportedVatRate = "unsupported_vat_rate";
    public const string PaymentMismatch = "payment_mismatch";
    public const string InvalidState = "invalid_state";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string PayloadTooLarge = "payload_too_large";
    public const string RateLimited = "rate_limited";
    /// <summary>A dependency (PostgreSQL, a silo) is away for now: 503 with Retry-After; the same request may be retried as is.</summary>
    public const string Unavailable = "unavailable";
}
