namespace Retail.Common;

/// <summary>A refused command: a stable machine-readable code (API.md "Errors"), a human detail, the field at fault.</summary>
[GenerateSerializer, Immutable, Alias("DomainError")]
public sealed record DomainError(
    [property: Id(0)] string Code,
    [property: Id(1)] string Detail,
    [property: Id(2)] string? Field = null);
