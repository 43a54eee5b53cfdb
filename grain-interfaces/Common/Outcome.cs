namespace Retail.Common;

/// <summary>The answer to a command: a value, or a refusal; <see cref="Replayed"/> when an idempotent retry returned the first answer.</summary>
[GenerateSerializer, Immutable, Alias("Outcome`1")]
public sealed record Outcome<T>(
    [property: Id(0)] T? Value,
    [property: Id(1)] DomainError? Error,
    [property: Id(2)] bool Replayed = false)
{
    public static Outcome<T> Ok(T value, bool replayed = false) => new(value, null, replayed);

    public static Outcome<T> Refused(DomainError error) => new(default, error);

    public static implicit operator Outcome<T>(DomainError error) => Refused(error);
}
