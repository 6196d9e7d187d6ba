using Coaching.Domain.Availability;
using CsCheck;
using NodaTime;

namespace Coaching.Domain.Tests.Availability;

/// <summary>The compact instant list against a <see cref="List{T}"/> of instants doing the same adds, clears and sorts.</summary>
public class InstantListTests
{
    [Fact]
    public void AddsClearsAndSorts_AsAListOfInstantsDoes()
    {
        var seconds = Gen.Long[Instant.FromUtc(1990, 1, 1, 0, 0).ToUnixTimeSeconds(), Instant.FromUtc(2250, 1, 1, 0, 0).ToUnixTimeSeconds()];
        // Each step adds an instant (whole seconds, as slot starts are), or now and then clears or sorts.
        var steps = Gen.Frequency((20, seconds.Select(s => (Op: 0, Seconds: s))), (1, Gen.Const((Op: 1, Seconds: 0L))), (1, Gen.Const((Op: 2, Seconds: 0L))));
        Gen.Select(steps.Array[0, 300], Gen.Int[0, 40]).Sample((ops, capacity) =>
        {
            var list = new InstantList(capacity);
            var oracle = new List<Instant>();
            foreach (var (op, s) in ops)
            {
                switch (op)
                {
                    case 0:
                        list.Add(Instant.FromUnixTimeSeconds(s));
                        oracle.Add(Instant.FromUnixTimeSeconds(s));
                        break;
                    case 1:
                        list.Clear();
                        oracle.Clear();
                        break;
                    default:
                        list.Sort();
                        oracle.Sort();
                        break;
                }
            }

            Assert.Equal(oracle, list);
            Assert.Equal(oracle.Count, list.Count);
            Assert.Equal(oracle, Enumerable.Range(0, list.Count).Select(i => list[i]));
            Assert.Throws<ArgumentOutOfRangeException>(() => list[list.Count]);
            Assert.Throws<ArgumentOutOfRangeException>(() => list[-1]);
        }, iter: 500);
    }
}
