using System.Collections.Immutable;
using Retail.Common;

namespace Retail.Api.Http;

/// <summary>Checks of request values that every area shares.</summary>
public static class Validation
{
    public static DomainError? Key(string? value, string field) =>
        Identifiers.IsValidKey(value)
            ? null
            : new DomainError(ErrorCodes.ValidationFailed, "Use 1 to 128 letters, digits, '.', '_', ':' or '-'.", field);

    public static DomainError? ClientId(string? value, string field) =>
        Identifiers.IsValidClientId(value)
            ? null
            : new DomainError(ErrorCodes.ValidationFailed, "An id is 1 to 128 printable characters.", field);

    public static DomainError? Required<T>(T? value, string field) where T : struct =>
        value is null ? new DomainError(ErrorCodes.ValidationFailed, "This field is required.", field) : null;

    public static DomainError? Text(string? value, string field, int maxLength, bool required = true) =>
        (required && string.IsNullOrWhiteSpace(value)) || value?.Length > maxLength
            ? new DomainError(ErrorCodes.ValidationFailed, $"Text of 1 to {maxLength} characters is required.", field)
            : null;

    public static DomainError? Quantity(decimal? value, string field) =>
        value is { } q && !Common.Quantity.HasAtMostThreeDecimals(q)
            ? new DomainError(ErrorCodes.ValidationFailed, "A quantity has at most 3 decimals.", field)
            : null;

    public static DomainError? Money(decimal? value, string field) =>
        value is { } m && (m < 0 || !Common.Money.HasAtMostKopecks(m) || m > 1_000_000_000m)
            ? new DomainError(ErrorCodes.ValidationFailed, "An amount is a non-negative number of rubles with at most 2 decimals.", field)
            : null;

    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
    ];

    /// <summary>An ISO 8601 time with its offset (or Z): a time without one names no moment.</summary>
    public static DomainError? Timestamp(string? value, string field, out DateTimeOffset time)
    {
        if (DateTimeOffset.TryParseExact(value, TimestampFormats, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out time))
            return null;
        return new DomainError(ErrorCodes.ValidationFailed, "A time is ISO 8601 with its offset, as 2026-03-02T21:10:05+03:00.", field);
    }

    /// <summary>The first refusal of several checks, in order.</summary>
    /// <summary>A code this field takes: the domain's code sets are wider than each field that uses them.</summary>
    public static DomainError? OneOf<T>(T? value, ImmutableArray<T> allowed, string field) where T : struct, Enum =>
        value is { } code && !allowed.Contains(code)
            ? new DomainError(ErrorCodes.ValidationFailed, $"The value is {ApiNames.Listed(allowed)}.", field) : null;

    /// <summary>A code by its API name; null when the name is none of them (the rule that refuses it says why).</summary>
    public static T? Parsed<T>(string? name) where T : struct, Enum => ApiNames.TryParseApiName<T>(name, out var code) ? code : null;

    public static DomainError? First(params DomainError?[] checks) => checks.FirstOrDefault(c => c is not null);
}
