using System.Text.Json;
using System.Text.Json.Serialization;
using Retail.Common;

namespace Retail.Api.Http;

/// <summary>
/// Every string of every request body is plain text: a control character anywhere is the same 400
/// as a malformed value, naming the field, before any grain sees the request.
/// </summary>
public sealed class PlainTextJson : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return PlainText.IsPlain(text) ? text : throw new NotPlainTextException();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>A request string with a control character in it.</summary>
public sealed class NotPlainTextException() : JsonException("Text may not contain control characters.");
