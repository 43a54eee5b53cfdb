namespace Retail.Common;

/// <summary>
/// Text a person typed: any characters except control characters (a NUL, an escape), which no name,
/// reason or address needs and which PostgreSQL refuses to store. Line breaks and tabs are text.
/// </summary>
public static class PlainText
{
    public static bool IsPlain(string? text) => text is null || !text.Any(IsRefused);

    private static bool IsRefused(char c) => char.IsControl(c) && c is not ('\n' or '\r' or '\t');
}
