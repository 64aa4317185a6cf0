namespace Vinculo.Jobs;

/// <summary>A job the worker knows how to run: its SPEC key, its implementation and its default schedule.</summary>
public sealed record JobDefinition(string Key, Type JobType, string DefaultCron, string Description);

/// <summary>The job keys of the product contract (SPEC section 2).</summary>
public static class JobCatalog
{
    public const string RevalidatePhones = "revalidate-phones";
    public const string ExpireConsents = "expire-consents";
    public const string PlanMessages = "plan-messages";
    public const string ProcessInbound = "process-inbound";
    public const string DispatchMessages = "dispatch-messages";
    public const string ImportChats = "import-chats";
    public const string Retention = "retention";

    /// <summary>Every key the contract names, built or not; configuration may mention any of them.</summary>
    public static readonly IReadOnlyList<string> SpecifiedKeys =
        [RevalidatePhones, ExpireConsents, PlanMessages, ProcessInbound, DispatchMessages, ImportChats, Retention];

    /// <summary>What <c>sweep</c> runs, in this order.</summary>
    public static readonly IReadOnlyList<string> NightlySequence = [RevalidatePhones, ExpireConsents, PlanMessages];
}
