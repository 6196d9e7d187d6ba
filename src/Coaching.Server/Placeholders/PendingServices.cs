using Microsoft.AspNetCore.Authorization;
using Proto = Coaching.Contracts.V1;

namespace Coaching.Server.Placeholders;

// These services are part of the v1 contract, but their behaviour arrives with later issues. The generated
// base classes answer every method with UNIMPLEMENTED; authentication still applies, so an anonymous
// caller learns nothing about which methods exist beyond the public contract.

/// <summary>coaching.v1.CourseService (UNIMPLEMENTED until the course issue lands).</summary>
[Authorize]
public sealed class CourseGrpcService : Proto.CourseService.CourseServiceBase;
