namespace Vinculo;

/// <summary>
/// One reason a value handed to a core rule cannot be used: which input (<paramref name="Input"/>, a property of the rule's
/// own options type or a parameter's name, with <paramref name="Index"/> for an item of a list) and what is wrong with it,
/// as a Portuguese sentence that starts with the value (<paramref name="Message"/>). Naming the configuration key it came
/// from is the caller's business: the worker's options layer writes "key: message".
/// </summary>
public sealed record InputProblem(string Input, string Message, int? Index = null)
{
    /// <summary>The problem as one line, naming the input as the core knows it.</summary>
    public override string ToString() => Index is { } index ? $"{Input}:{index}: {Message}" : $"{Input}: {Message}";
}
