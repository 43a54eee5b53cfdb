using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Common;

namespace Retail.Api.Http;

/// <summary>A command's outcome as its answer: the refusal as a problem, or the value.</summary>
public static class Answers
{
    public static Results<Ok<T>, ProblemHttpResult> Of<T>(Outcome<T> outcome) =>
        outcome.Error is { } error ? Problems.Of(error) : TypedResults.Ok(outcome.Value);

    /// <summary>201 for what the command made, 200 for an idempotent repeat of it.</summary>
    public static Results<Created<T>, Ok<T>, ProblemHttpResult> Created<T>(Outcome<T> outcome) =>
        outcome.Error is { } error ? Problems.Of(error)
        : outcome.Replayed ? TypedResults.Ok(outcome.Value)
        : TypedResults.Created((string?)null, outcome.Value);
}
