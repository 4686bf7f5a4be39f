#pragma once

#include <GLES3/gl3.h>

#include <string>

namespace fbx::gl {

// A linked GLSL ES program, deleted with its owner. The shader objects are
// only needed until the link, so they are not kept.
class GlProgram {
public:
    // Compiles and links; throws fbx::Error with the driver's info log and
    // `name` (which program) when either fails.
    GlProgram(const std::string& name, const std::string& vertex_source,
              const std::string& fragment_source);
    GlProgram(const GlProgram&) = delete;
    GlProgram& operator=(const GlProgram&) = delete;
    ~GlProgram();

    GLuint get() const { return program_; }
    void use() const { glUseProgram(program_); }
    // A uniform's location; throws when the program has no such active
    // uniform, so a renamed shader variable fails loudly instead of drawing
    // with a default value.
    GLint uniform(const char* name) const;

private:
    std::string name_;
    GLuint program_ = 0;
};

}  // namespace fbx::gl
