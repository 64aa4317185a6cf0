namespace Vinculo.Engines;

/// <summary>The base of every suite that runs once per engine: one-line subclasses pick the engine.</summary>
public abstract class EngineSuite(EngineFixture engine)
{
    protected EngineFixture Engine { get; } = engine;

    /// <summary>A fresh database on this engine, or a skip with the engine's reason.</summary>
    protected async Task<TestDatabase> NewDatabaseAsync()
    {
        Engine.SkipIfUnavailable();
        return await Engine.CreateDatabaseAsync();
    }

    protected async Task<TestDatabase> NewMigratedDatabaseAsync()
    {
        var database = await NewDatabaseAsync();
        await database.MigrateAsync();
        return database;
    }
}
